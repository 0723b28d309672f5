/*
 * library.c — the entry and factory of libManifoldCExamples.so: one library, two plugins.
 */
#include <string.h>

#include "manifold_plugin.h"
#include "plugins.h"

static const manifold_plugin *const plugins[] = {&forward_plugin, &ticker_plugin};

static uint32_t plugin_count(const manifold_plugin_factory *factory) {
    (void)factory;
    return (uint32_t)(sizeof plugins / sizeof *plugins);
}

static const manifold_plugin *plugin_at(const manifold_plugin_factory *factory, uint32_t index) {
    return index < plugin_count(factory) ? plugins[index] : NULL;
}

static const manifold_plugin_factory factory = {
    .struct_size = sizeof(manifold_plugin_factory),
    .plugin_count = plugin_count,
    .plugin_at = plugin_at,
};

static const void *get_factory(const char *factory_id) {
    return strcmp(factory_id, MANIFOLD_PLUGIN_FACTORY_ID) == 0 ? &factory : NULL;
}

static const manifold_library library = {
    .abi_version = MANIFOLD_ABI_VERSION_INIT,
    .struct_size = sizeof(manifold_library),
    .init = NULL,
    .deinit = NULL,
    .get_factory = get_factory,
};

MANIFOLD_EXPORT const manifold_library *manifold_library_entry(void) {
    return &library;
}
