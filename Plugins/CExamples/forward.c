/*
 * forward — passes every input on unchanged, without copying its payload.
 *
 * The output's payload is the input's own bytes: the plugin takes a reference (`retain`) and
 * hands it to the host with the output, as manifold/artifact.h describes. A 1 GiB artifact
 * crosses this node without one byte being copied. Useful to relay a topic to another one,
 * and as the smallest example of payload ownership.
 */
#include <string.h>

#include "manifold_plugin.h"
#include "plugins.h"

static manifold_status forward_create(const manifold_plugin *plugin, manifold_str config, const manifold_host *host,
                                      void **out_instance, char *error, size_t error_capacity) {
    (void)plugin; (void)config; (void)host; (void)error; (void)error_capacity;
    static int instance; /* stateless: every node may share one */
    *out_instance = &instance;
    return MANIFOLD_OK;
}

static void forward_process(void *instance, const manifold_artifact *input, const manifold_call *call) {
    (void)instance;
    manifold_artifact output = *input;       /* the view is copied by the host: fine to reuse */
    output.struct_size = sizeof output;
    output.id = manifold_str_from_cstr(NULL); /* a fresh id: it is a new artifact */
    output.origin = manifold_str_from_cstr(NULL);
    input->payload.retain(input->payload.owner);
    manifold_status status = call->emit(call->context, &output); /* the reference is the host's now */
    call->complete(call->context, status == MANIFOLD_INVALID_ARGUMENT ? MANIFOLD_ERROR : status,
                   manifold_str_from_cstr(status == MANIFOLD_OK ? NULL : "the host refused the output"));
}

static void forward_shutdown(void *instance, void (*done)(void *), void *done_context) {
    (void)instance;
    done(done_context);
}

static void forward_destroy(void *instance) {
    (void)instance;
}

static const char *const forward_types[] = {"*/*"};

const manifold_plugin forward_plugin = {
    .struct_size = sizeof(manifold_plugin),
    .name = "forward",
    .version = "1.0.0",
    .description = "Passes every input on unchanged, sharing its payload bytes (no copy).",
    .kind = MANIFOLD_KIND_GENERATOR,
    .flags = MANIFOLD_PLUGIN_FLAG_CONCURRENT,
    .input_types = forward_types,
    .input_type_count = 1,
    .output_types = forward_types,
    .output_type_count = 1,
    .config_schema = "{\"type\":\"object\",\"additionalProperties\":false}",
    .create = forward_create,
    .process = forward_process,
    .shutdown = forward_shutdown,
    .destroy = forward_destroy,
    .get_extension = NULL,
};
