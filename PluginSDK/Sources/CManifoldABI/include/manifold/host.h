/*
 * manifold/host.h — the services the host offers one plugin instance.
 */
#ifndef MANIFOLD_HOST_H
#define MANIFOLD_HOST_H

#include "types.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Valid from `create` until `destroy` returns. Every function may be called from any thread.
 * Read only the fields inside `struct_size`: a newer host appends fields.
 */
typedef struct manifold_host {
    uint32_t struct_size;        /* sizeof(manifold_host) of the host */
    manifold_version abi_version;/* the host's ABI version */
    void *context;               /* pass back to every function below */
    /* Writes a log line attributed to the node; `message` is copied. */
    void (*log)(void *context, manifold_log_level level, manifold_str message);
    /* A host extension's struct by id, or NULL when not offered. */
    const void *(*get_extension)(void *context, const char *extension_id);
    /* The node the instance serves (valid as long as the table). */
    manifold_str node;
} manifold_host;

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_HOST_H */
