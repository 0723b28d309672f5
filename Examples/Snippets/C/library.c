/*
 * The C library skeleton of docs/plugins.md ("In C"): the factory and entry symbol around one
 * plugin. The tests compile it with cc and load it with `manifold inspect`.
 */
#include "manifold_plugin.h"

static manifold_status my_create(const manifold_plugin *plugin, manifold_str config, const manifold_host *host,
                                 void **out_instance, char *error, size_t error_capacity) {
    (void)plugin; (void)config; (void)host; (void)error; (void)error_capacity;
    static int instance;
    *out_instance = &instance;
    return MANIFOLD_OK;
}

static void my_process(void *instance, const manifold_artifact *input, const manifold_call *call) {
    (void)instance;
    manifold_artifact output = *input;        /* the same payload, as a new artifact */
    output.struct_size = sizeof output;
    output.id = manifold_str_from_cstr(NULL);
    output.origin = manifold_str_from_cstr(NULL);
    input->payload.retain(input->payload.owner); /* the emitted reference is the host's */
    manifold_status status = call->emit(call->context, &output);
    call->complete(call->context, status == MANIFOLD_OK ? MANIFOLD_OK : MANIFOLD_ERROR, manifold_str_from_cstr(NULL));
}

static void my_shutdown(void *instance, void (*done)(void *), void *done_context) {
    (void)instance;
    done(done_context);
}

static void my_destroy(void *instance) {
    (void)instance;
}

static const char *const my_types[] = {"text/plain"};

static const manifold_plugin my_plugin = {
    .struct_size = sizeof(manifold_plugin),
    .name = "my-plugin",
    .version = "1.0.0",
    .description = "Passes text on.",
    .kind = MANIFOLD_KIND_GENERATOR,
    .input_types = my_types,
    .input_type_count = 1,
    .output_types = my_types,
    .output_type_count = 1,
    .create = my_create,
    .process = my_process,
    .shutdown = my_shutdown,
    .destroy = my_destroy,
};

// doc-snippet: begin
#include <string.h>
#include "manifold_plugin.h"

static const manifold_plugin *const plugins[] = {&my_plugin};
static uint32_t count(const manifold_plugin_factory *f) { (void)f; return 1; }
static const manifold_plugin *at(const manifold_plugin_factory *f, uint32_t i) { (void)f; return i == 0 ? plugins[0] : NULL; }
static const manifold_plugin_factory factory = { .struct_size = sizeof factory, .plugin_count = count, .plugin_at = at };
static const void *get_factory(const char *id) { return strcmp(id, MANIFOLD_PLUGIN_FACTORY_ID) == 0 ? &factory : NULL; }
static const manifold_library library = {
    .abi_version = MANIFOLD_ABI_VERSION_INIT, .struct_size = sizeof library, .get_factory = get_factory,
};
MANIFOLD_EXPORT const manifold_library *manifold_library_entry(void) { return &library; }
// doc-snippet: end
