/*
 * manifold/plugin.h — one plugin's descriptor: what it is, what it takes and emits, and
 * the functions that make and drive its instances.
 *
 * Ownership
 *   - The descriptor and everything it points to belong to the plugin and stay valid until
 *     the library's `deinit` returns.
 *   - What the host passes in (config, input, call, host services) belongs to the host: the
 *     config is valid during `create`, the host table until `destroy` returns, an input and
 *     its call until `complete` returns.
 *   - What the plugin passes to the host (`emit`, `next`, error texts) belongs to the plugin
 *     and is copied before the function returns (payloads: see artifact.h).
 *   - The host calls `destroy` exactly once per successful `create`, after `shutdown` done.
 *
 * Threads
 *   `process` may be called from any thread. On one instance the host calls it for one input
 *   at a time unless the descriptor sets MANIFOLD_PLUGIN_FLAG_CONCURRENT. Never block a
 *   thread waiting for the host: finish asynchronously and call `complete` when done.
 *
 * Config
 *   `create` receives the node's config as JSON text, already checked against
 *   `config_schema`. A node without a config receives `{}`.
 */
#ifndef MANIFOLD_PLUGIN_DESCRIPTOR_H
#define MANIFOLD_PLUGIN_DESCRIPTOR_H

#include "call.h"
#include "host.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Plugin kinds. */
typedef int32_t manifold_plugin_kind;
/* Takes input artifacts and emits output artifacts. */
#define MANIFOLD_KIND_GENERATOR 1
/* Wraps the rest of a node's chain: sees each input, calls `next`, may see each output. */
#define MANIFOLD_KIND_MIDDLEWARE 2

/* Descriptor flags. */
/* `process` may run concurrently on one instance (the plugin synchronises its own state). */
#define MANIFOLD_PLUGIN_FLAG_CONCURRENT 1ULL

typedef struct manifold_plugin manifold_plugin;

struct manifold_plugin {
    uint32_t struct_size;   /* sizeof(manifold_plugin) of the plugin */
    const char *name;       /* e.g. "uppercase"; unique in its library; must match the manifest */
    const char *version;    /* semantic version, e.g. "1.2.0" */
    const char *description;/* one line, may be NULL */
    manifold_plugin_kind kind;
    uint64_t flags;         /* MANIFOLD_PLUGIN_FLAG_* */
    const char *const *input_types;   /* `input_type_count` type strings it accepts */
    size_t input_type_count;          /* at most MANIFOLD_MAX_PORT_TYPES */
    const char *const *output_types;  /* `output_type_count` type strings it may emit */
    size_t output_type_count;
    const char *config_schema;        /* JSON Schema of the config (JSON text), or NULL */

    /* Makes an instance from `config` (JSON text, valid during the call). On success
       stores the instance in `*out_instance` and returns MANIFOLD_OK. On failure writes a
       NUL-terminated reason (truncated to `error_capacity` bytes) into `error` and returns
       MANIFOLD_ERROR. */
    manifold_status (*create)(const manifold_plugin *plugin, manifold_str config, const manifold_host *host,
                              void **out_instance, char *error, size_t error_capacity);
    /* Processes one input; see call.h. Must not block waiting for the host. */
    void (*process)(void *instance, const manifold_artifact *input, const manifold_call *call);
    /* Begins releasing resources; calls `done(done_context)` once finished (any thread).
       No `process` is running or will be called after `shutdown`. */
    void (*shutdown)(void *instance, void (*done)(void *done_context), void *done_context);
    /* Frees the instance; called once, after `shutdown` completed. */
    void (*destroy)(void *instance);
    /* A plugin extension's struct by id ("manifold.state", "manifold.source" …), or NULL
       when not offered. May itself be NULL. Each extension's functions take the instance. */
    const void *(*get_extension)(const manifold_plugin *plugin, const char *extension_id);
};

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_PLUGIN_DESCRIPTOR_H */
