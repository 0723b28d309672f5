/*
 * uppercase — a Manifold generator plugin written in plain C against manifold_plugin.h alone.
 *
 * Takes text/plain artifacts and emits one text/plain artifact with the ASCII letters
 * uppercased. Config (all optional):
 *   { "suffix": "!" }   appended to every output.
 * It completes every call synchronously, inside `process`, and hands the host the bytes it
 * allocated (the host frees them through `release`): no copy on the way out.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifold_plugin.h"

typedef struct uppercase_instance {
    char *suffix;
    size_t suffix_length;
    const manifold_host *host;
} uppercase_instance;

static void write_error(char *error, size_t capacity, const char *message) {
    if (error && capacity > 0) {
        snprintf(error, capacity, "%s", message);
    }
}

/* Finds "suffix": "<text>" in the config. A real plugin would use a JSON library; this one
   keeps to libc so that it shows the ABI needs nothing else. Escapes are refused. */
static int read_suffix(manifold_str config, char **out, size_t *out_length, char *error, size_t capacity) {
    *out = NULL;
    *out_length = 0;
    const char *key = "\"suffix\"";
    size_t key_length = strlen(key);
    for (size_t i = 0; config.length >= key_length && i <= config.length - key_length; i++) {
        if (memcmp(config.data + i, key, key_length) != 0) continue;
        size_t j = i + key_length;
        while (j < config.length && (config.data[j] == ' ' || config.data[j] == ':')) j++;
        if (j >= config.length || config.data[j] != '"') {
            write_error(error, capacity, "config.suffix must be a string");
            return MANIFOLD_ERROR;
        }
        size_t start = ++j;
        while (j < config.length && config.data[j] != '"') {
            if (config.data[j] == '\\') {
                write_error(error, capacity, "config.suffix must not contain escape sequences");
                return MANIFOLD_ERROR;
            }
            j++;
        }
        if (j >= config.length) {
            write_error(error, capacity, "config.suffix is not terminated");
            return MANIFOLD_ERROR;
        }
        *out_length = j - start;
        *out = malloc(*out_length + 1);
        if (!*out) {
            write_error(error, capacity, "out of memory");
            return MANIFOLD_ERROR;
        }
        memcpy(*out, config.data + start, *out_length);
        (*out)[*out_length] = 0;
        return MANIFOLD_OK;
    }
    return MANIFOLD_OK;
}

static manifold_status uppercase_create(const manifold_plugin *plugin, manifold_str config, const manifold_host *host,
                                        void **out_instance, char *error, size_t error_capacity) {
    (void)plugin;
    uppercase_instance *instance = calloc(1, sizeof *instance);
    if (!instance) {
        write_error(error, error_capacity, "out of memory");
        return MANIFOLD_ERROR;
    }
    if (read_suffix(config, &instance->suffix, &instance->suffix_length, error, error_capacity) != MANIFOLD_OK) {
        free(instance);
        return MANIFOLD_ERROR;
    }
    instance->host = host;
    *out_instance = instance;
    return MANIFOLD_OK;
}

/* The owner of an output's bytes is the malloc'd block itself. */
static void release_block(void *owner) {
    free(owner);
}

static void uppercase_process(void *opaque, const manifold_artifact *input, const manifold_call *call) {
    uppercase_instance *instance = opaque;
    size_t length = input->payload.length + instance->suffix_length;
    uint8_t *text = malloc(length ? length : 1);
    if (!text) {
        call->complete(call->context, MANIFOLD_ERROR, manifold_str_from_cstr("out of memory"));
        return;
    }
    for (size_t i = 0; i < input->payload.length; i++) {
        text[i] = (uint8_t)toupper(input->payload.data[i]);
    }
    if (instance->suffix_length) memcpy(text + input->payload.length, instance->suffix, instance->suffix_length);

    manifold_artifact output;
    memset(&output, 0, sizeof output);
    output.struct_size = sizeof output;
    output.type = manifold_str_from_cstr("text/plain");
    output.metadata = input->metadata;
    output.metadata_count = input->metadata_count;
    output.payload.data = text;
    output.payload.length = length;
    output.payload.owner = text;
    output.payload.release = release_block; /* ownership passes to the host, whatever emit returns */
    manifold_status status = call->emit(call->context, &output);
    if (status == MANIFOLD_CANCELLED) {
        call->complete(call->context, MANIFOLD_CANCELLED, manifold_str_from_cstr("cancelled"));
        return;
    }
    if (status != MANIFOLD_OK) {
        call->complete(call->context, status, manifold_str_from_cstr("the host refused the output"));
        return;
    }
    call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
}

static void uppercase_shutdown(void *opaque, void (*done)(void *), void *done_context) {
    (void)opaque;
    done(done_context);
}

static void uppercase_destroy(void *opaque) {
    uppercase_instance *instance = opaque;
    free(instance->suffix);
    free(instance);
}

static const char *const uppercase_inputs[] = {"text/plain"};
static const char *const uppercase_outputs[] = {"text/plain"};

static const manifold_plugin uppercase_plugin = {
    .struct_size = sizeof(manifold_plugin),
    .name = "uppercase",
    .version = "1.0.0",
    .description = "Uppercases ASCII text; written in C against manifold_plugin.h alone.",
    .kind = MANIFOLD_KIND_GENERATOR,
    .flags = MANIFOLD_PLUGIN_FLAG_CONCURRENT,
    .input_types = uppercase_inputs,
    .input_type_count = 1,
    .output_types = uppercase_outputs,
    .output_type_count = 1,
    .config_schema = "{\"type\":\"object\",\"properties\":{\"suffix\":{\"type\":\"string\"}},\"additionalProperties\":false}",
    .create = uppercase_create,
    .process = uppercase_process,
    .shutdown = uppercase_shutdown,
    .destroy = uppercase_destroy,
    .get_extension = NULL,
};

/* The factory: this library holds one plugin. */
static uint32_t uppercase_plugin_count(const manifold_plugin_factory *factory) {
    (void)factory;
    return 1;
}

static const manifold_plugin *uppercase_plugin_at(const manifold_plugin_factory *factory, uint32_t index) {
    (void)factory;
    return index == 0 ? &uppercase_plugin : NULL;
}

static const manifold_plugin_factory uppercase_factory = {
    .struct_size = sizeof(manifold_plugin_factory),
    .plugin_count = uppercase_plugin_count,
    .plugin_at = uppercase_plugin_at,
};

static const void *uppercase_get_factory(const char *factory_id) {
    return strcmp(factory_id, MANIFOLD_PLUGIN_FACTORY_ID) == 0 ? &uppercase_factory : NULL;
}

static const manifold_library uppercase_library = {
    .abi_version = MANIFOLD_ABI_VERSION_INIT,
    .struct_size = sizeof(manifold_library),
    .init = NULL,   /* nothing to set up or tear down */
    .deinit = NULL,
    .get_factory = uppercase_get_factory,
};

/* The host compares versions itself and explains a mismatch, so always answer. */
MANIFOLD_EXPORT const manifold_library *manifold_library_entry(void) {
    return &uppercase_library;
}
