/*
 * manifold/factory.h — the plugin factory: the list of plugins one library holds.
 */
#ifndef MANIFOLD_FACTORY_H
#define MANIFOLD_FACTORY_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The id to pass to `manifold_library.get_factory`. */
#define MANIFOLD_PLUGIN_FACTORY_ID "manifold.plugin-factory"

/* Most plugins one library may hold. */
static const uint32_t MANIFOLD_MAX_PLUGINS_PER_LIBRARY = 1024;

typedef struct manifold_plugin_factory manifold_plugin_factory;

/* Valid, like the descriptors it lists, until the library's `deinit` returns. */
struct manifold_plugin_factory {
    uint32_t struct_size;  /* sizeof(manifold_plugin_factory) of the plugin */
    /* How many plugins the library holds (at most MANIFOLD_MAX_PLUGINS_PER_LIBRARY). */
    uint32_t (*plugin_count)(const manifold_plugin_factory *factory);
    /* The descriptor at `index` (0 ..< plugin_count), or NULL. */
    const manifold_plugin *(*plugin_at)(const manifold_plugin_factory *factory, uint32_t index);
};

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_FACTORY_H */
