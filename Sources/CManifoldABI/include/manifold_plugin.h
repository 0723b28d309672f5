/*
 * manifold_plugin.h — the C ABI between the Manifold host and its plugins.
 *
 * This header is the whole contract. A plugin is a shared library that exports one
 * symbol, `manifold_plugin_entry`, returning a pointer to a static `manifold_plugin`
 * descriptor. Everything else is reached through that descriptor.
 *
 * Versioning
 *   MANIFOLD_ABI_VERSION packs a major (high 16 bits) and a minor (low 16 bits).
 *   The host loads a plugin whose major equals its own and whose minor is not newer.
 *   Every struct starts with `struct_size` (and the versioned ones with `abi_version`):
 *   fields are only ever appended, and a reader never touches a field beyond the
 *   `struct_size` the writer declared. Breaking changes bump the major.
 *   Optional features are named extensions (`get_extension("manifold.some-feature")`),
 *   each with its own versioned struct in its own header; no ABI bump is needed for them.
 *
 * Strings and bytes
 *   `manifold_str` is UTF-8 with an explicit length and need not be NUL-terminated.
 *   Descriptor strings (`const char *`) are NUL-terminated and static.
 *
 * Ownership (who allocates, who frees)
 *   - The descriptor and everything it points to belong to the plugin and must stay valid
 *     for the life of the process (the host never unloads a plugin).
 *   - Everything the host passes in (config, input artifact, call, host services) belongs
 *     to the host. The config is valid only during `create`; the host services table for
 *     the life of the instance; an input artifact and its call until the plugin calls
 *     `call->complete` for it.
 *   - Everything the plugin passes to the host (`emit`, `next`, error texts) belongs to the
 *     plugin: the host copies what it keeps before the function returns.
 *   - Instances are made by `create` and freed by `destroy`; the host calls `destroy`
 *     exactly once per successful `create`, after `shutdown` has completed.
 *
 * Threads
 *   `process` may be called from any thread. On one instance the host calls it for one
 *   input at a time unless the descriptor sets MANIFOLD_PLUGIN_FLAG_CONCURRENT.
 *   Host callbacks (`emit`, `complete`, `next`, `log`, …) may be called from any thread,
 *   during `process` or after it returned. Never block a thread waiting for the host:
 *   finish asynchronously and call `complete` when done.
 */
#ifndef MANIFOLD_PLUGIN_H
#define MANIFOLD_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- versions ---- */

#define MANIFOLD_ABI_VERSION_MAJOR 1
#define MANIFOLD_ABI_VERSION_MINOR 0
#define MANIFOLD_ABI_MAKE_VERSION(major, minor) ((uint32_t)(((uint32_t)(major) << 16) | ((uint32_t)(minor) & 0xffffu)))
#define MANIFOLD_ABI_VERSION MANIFOLD_ABI_MAKE_VERSION(MANIFOLD_ABI_VERSION_MAJOR, MANIFOLD_ABI_VERSION_MINOR)
#define MANIFOLD_ABI_VERSION_GET_MAJOR(version) ((uint32_t)(version) >> 16)
#define MANIFOLD_ABI_VERSION_GET_MINOR(version) ((uint32_t)(version) & 0xffffu)

/* The one symbol a plugin exports. */
#define MANIFOLD_PLUGIN_ENTRY_SYMBOL "manifold_plugin_entry"

#if defined(__GNUC__) || defined(__clang__)
#define MANIFOLD_EXPORT __attribute__((visibility("default")))
#else
#define MANIFOLD_EXPORT
#endif

/* ------------------------------------------------------------ basic types ---- */

/* UTF-8 text with a length; `data` may be NULL when `length` is 0. */
typedef struct manifold_str {
    const char *data;
    size_t length;
} manifold_str;

/* Bytes with a length; `data` may be NULL when `length` is 0. */
typedef struct manifold_bytes {
    const uint8_t *data;
    size_t length;
} manifold_bytes;

/* One metadata pair. */
typedef struct manifold_metadata_entry {
    manifold_str key;
    manifold_str value;
} manifold_metadata_entry;

/* Status codes returned by plugin and host functions. */
typedef int32_t manifold_status;
#define MANIFOLD_OK 0
/* Failed; an error text says why. */
#define MANIFOLD_ERROR 1
/* The work was cancelled: stop producing and complete. */
#define MANIFOLD_CANCELLED 2
/* An argument was invalid (e.g. an artifact without a type). */
#define MANIFOLD_INVALID_ARGUMENT 3

/* Plugin kinds. */
typedef int32_t manifold_plugin_kind;
/* Takes input artifacts and emits output artifacts. */
#define MANIFOLD_KIND_GENERATOR 1
/* Wraps the rest of a node's chain: sees each input, calls `next`, may see each output. */
#define MANIFOLD_KIND_MIDDLEWARE 2

/* Log levels for `manifold_host.log`. */
typedef int32_t manifold_log_level;
#define MANIFOLD_LOG_TRACE 0
#define MANIFOLD_LOG_DEBUG 1
#define MANIFOLD_LOG_INFO 2
#define MANIFOLD_LOG_WARNING 3
#define MANIFOLD_LOG_ERROR 4

/* Descriptor flags. */
/* `process` may run concurrently on one instance (the plugin synchronises its own state). */
#define MANIFOLD_PLUGIN_FLAG_CONCURRENT ((uint64_t)1 << 0)

/* --------------------------------------------------------------- artifact ---- */

/*
 * A read-only view of an artifact.
 * From the host (input): every field is set; valid until `call->complete`.
 * To the host (`emit`, `next`): `type` is required; an empty `id` gets a fresh one; an empty
 * `correlation_id` inherits the input's; `origin` and `created_at_unix_nanos` are set by the
 * host. The host copies the view before the call returns.
 */
typedef struct manifold_artifact {
    uint32_t struct_size;                     /* sizeof(manifold_artifact) of the writer */
    manifold_str id;
    manifold_str type;                        /* media-type-like, e.g. "text/plain" */
    const manifold_metadata_entry *metadata;  /* `metadata_count` pairs */
    size_t metadata_count;
    manifold_bytes payload;
    manifold_str origin;                      /* producing node; empty for graph inputs */
    manifold_str correlation_id;
    int64_t created_at_unix_nanos;
} manifold_artifact;

/* ------------------------------------------------------------ host services ---- */

/* Services the host offers an instance; valid from `create` until `destroy` returns. */
typedef struct manifold_host {
    uint32_t abi_version;  /* MANIFOLD_ABI_VERSION of the host */
    uint32_t struct_size;  /* sizeof(manifold_host) of the host */
    void *context;         /* pass back to every function below */
    /* Writes a log line attributed to the node; `message` is copied. */
    void (*log)(void *context, manifold_log_level level, manifold_str message);
    /* A host extension's struct by id (e.g. "manifold.trace"), or NULL when not offered. */
    const void *(*get_extension)(void *context, const char *extension_id);
    /* The node id the instance serves (valid as long as the table). */
    manifold_str node;
} manifold_host;

/* ------------------------------------------------------------------- calls ---- */

/*
 * What a middleware hands `call->next`: where the downstream chain's outputs and its
 * completion go. The struct is copied by `next`; `user_data` is passed back unchanged.
 */
typedef struct manifold_next_handler {
    uint32_t struct_size;
    void *user_data;
    /* Each output of the downstream chain; NULL forwards outputs unchanged to `call->emit`.
       The view is valid only during the callback. Return MANIFOLD_OK, or MANIFOLD_CANCELLED
       to ask the downstream chain to stop. */
    manifold_status (*on_emit)(void *user_data, const manifold_artifact *output);
    /* The downstream chain finished with `status` (MANIFOLD_OK or an error and its text,
       valid only during the callback). Called exactly once per `next`. */
    void (*on_complete)(void *user_data, manifold_status status, manifold_str error_message);
} manifold_next_handler;

/*
 * One input being processed. Valid from `process` until the plugin calls `complete`.
 */
typedef struct manifold_call {
    uint32_t struct_size;
    void *context;  /* pass back to every function below */
    /* Sends one output downstream (copied before return). Returns MANIFOLD_OK, or
       MANIFOLD_CANCELLED when the call was cancelled (stop producing, then complete),
       or MANIFOLD_INVALID_ARGUMENT for a malformed artifact. */
    manifold_status (*emit)(void *context, const manifold_artifact *output);
    /* Ends the call: exactly once, from any thread, after the last `emit`. On failure,
       `error_message` says why (copied). After it returns the call and input are invalid. */
    void (*complete)(void *context, manifold_status status, manifold_str error_message);
    /* Whether the call was cancelled. */
    bool (*is_cancelled)(void *context);
    /* Registers `handler(user_data)` to run once if the call is cancelled (at once if it
       already is). A later registration replaces an earlier one. */
    void (*on_cancel)(void *context, void (*handler)(void *user_data), void *user_data);
    /* Middleware only (NULL for generators): passes `input` (copied) to the rest of the
       chain. Outputs and completion arrive through `handler`. May be called again after the
       previous `next` completed (retry); not while one is running. */
    void (*next)(void *context, const manifold_artifact *input, const manifold_next_handler *handler);
} manifold_call;

/* -------------------------------------------------------------- descriptor ---- */

typedef struct manifold_plugin manifold_plugin;

/*
 * The plugin's descriptor, returned by `manifold_plugin_entry`; static, never freed.
 */
struct manifold_plugin {
    uint32_t abi_version;   /* MANIFOLD_ABI_VERSION the plugin was built against */
    uint32_t struct_size;   /* sizeof(manifold_plugin) of the plugin */
    const char *name;       /* e.g. "uppercase"; must match the plugin manifest */
    const char *version;    /* semantic version, e.g. "1.2.0" */
    const char *description;/* one line, may be NULL */
    manifold_plugin_kind kind;
    uint64_t flags;         /* MANIFOLD_PLUGIN_FLAG_* */
    const char *const *input_types;   /* `input_type_count` type strings it accepts */
    size_t input_type_count;
    const char *const *output_types;  /* `output_type_count` type strings it may emit */
    size_t output_type_count;
    const char *config_schema;        /* JSON Schema of the config (JSON text), or NULL */

    /* Makes an instance from `config` (JSON text, valid during the call). On success
       stores the instance in `*out_instance` and returns MANIFOLD_OK. On failure writes a
       NUL-terminated reason (truncated to `error_capacity` bytes) into `error` and returns
       MANIFOLD_ERROR. */
    manifold_status (*create)(const manifold_plugin *plugin, manifold_str config, const manifold_host *host,
                              void **out_instance, char *error, size_t error_capacity);
    /* Processes one input; see `manifold_call`. Must not block waiting for the host. */
    void (*process)(void *instance, const manifold_artifact *input, const manifold_call *call);
    /* Begins releasing resources; calls `done(done_context)` once finished (any thread).
       No `process` is running or will be called after `shutdown`. */
    void (*shutdown)(void *instance, void (*done)(void *done_context), void *done_context);
    /* Frees the instance; called once, after `shutdown` completed. */
    void (*destroy)(void *instance);
    /* A plugin extension's struct by id, or NULL when not offered. May be NULL itself. */
    const void *(*get_extension)(const manifold_plugin *plugin, const char *extension_id);
};

/* The entry point's type. `host_abi_version` lets a plugin refuse a host (return NULL). */
typedef const manifold_plugin *(*manifold_plugin_entry_fn)(uint32_t host_abi_version);

/* Every plugin library defines this function. */
MANIFOLD_EXPORT const manifold_plugin *manifold_plugin_entry(uint32_t host_abi_version);

/* Convenience for C plugins: a manifold_str from a NUL-terminated string. */
static inline manifold_str manifold_str_from_cstr(const char *text) {
    manifold_str result;
    size_t length = 0;
    if (text) {
        while (text[length]) length++;
    }
    result.data = text;
    result.length = length;
    return result;
}

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_PLUGIN_H */
