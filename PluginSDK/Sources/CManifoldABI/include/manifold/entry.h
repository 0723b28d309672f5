/*
 * manifold/entry.h — the one symbol a plugin library exports.
 *
 * Loading order
 *   1. The host checks the file (owner, mode, pin) and opens it.
 *   2. It calls `manifold_library_entry()` and reads `abi_version` and `struct_size` before
 *      anything else; an incompatible version is refused with the reason.
 *   3. It calls `init(library_path)`, once per process however many graphs or loaders use
 *      the library. Return false to refuse (the host then calls nothing else, not even
 *      `deinit`).
 *   4. It asks `get_factory(MANIFOLD_PLUGIN_FACTORY_ID)` for the plugin list.
 *   5. When it no longer needs the library (at the latest when it exits normally) it calls
 *      `deinit`, after every instance was destroyed. `init` and `deinit` come in pairs: after
 *      `deinit` the host may `init` the library again. It never unloads the library.
 */
#ifndef MANIFOLD_ENTRY_H
#define MANIFOLD_ENTRY_H

#include "version.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The name of the exported entry function. */
#define MANIFOLD_LIBRARY_ENTRY_SYMBOL "manifold_library_entry"

typedef struct manifold_library {
    manifold_version abi_version;  /* MANIFOLD_ABI_VERSION_INIT of the headers built against */
    uint32_t struct_size;          /* sizeof(manifold_library) of the plugin */
    /* Called before anything else, with the library's path. May be NULL. */
    bool (*init)(const char *library_path);
    /* Called last, after every instance was destroyed. May be NULL. */
    void (*deinit)(void);
    /* A factory by id (MANIFOLD_PLUGIN_FACTORY_ID), or NULL. */
    const void *(*get_factory)(const char *factory_id);
} manifold_library;

/* The entry function's type. */
typedef const manifold_library *(*manifold_library_entry_fn)(void);

/* Every plugin library defines this function; it returns a static struct. */
MANIFOLD_EXPORT const manifold_library *manifold_library_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_ENTRY_H */
