/*
 * manifold/ext/state.h — "manifold.state": save and restore an instance's state as bytes,
 * per key (a conversation's correlation id; the empty key for the whole instance).
 *
 * A plugin offers it by answering `get_extension(plugin, MANIFOLD_EXT_STATE)` with a static
 * `manifold_plugin_state`. The host uses it to snapshot a run and to resume one after a
 * crash. The bytes are the plugin's own format: version it inside the bytes.
 *
 * Threads: the host never calls these concurrently with each other, nor with `process` on
 * the same instance, unless the descriptor sets MANIFOLD_PLUGIN_FLAG_CONCURRENT (then the
 * plugin synchronises).
 */
#ifndef MANIFOLD_EXT_STATE_H
#define MANIFOLD_EXT_STATE_H

#include "../types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MANIFOLD_EXT_STATE "manifold.state"

/* Where `save` writes: each `write` appends bytes (copied before it returns). */
typedef struct manifold_state_writer {
    uint32_t struct_size;
    void *context;
    /* Returns MANIFOLD_OK, or MANIFOLD_ERROR when the host cannot take more (stop and fail). */
    manifold_status (*write)(void *context, const uint8_t *bytes, size_t length);
} manifold_state_writer;

typedef struct manifold_plugin_state {
    uint32_t struct_size;  /* sizeof(manifold_plugin_state) of the plugin */
    /* Calls `visit(visit_context, key)` once per key that has state (keys valid during the
       call). */
    manifold_status (*keys)(void *instance, void (*visit)(void *visit_context, manifold_str key), void *visit_context);
    /* Writes the state of `key` through `writer`. A key without state writes nothing and
       returns MANIFOLD_OK. */
    manifold_status (*save)(void *instance, manifold_str key, const manifold_state_writer *writer);
    /* Replaces the state of `key` by `bytes` (valid during the call), as `save` wrote them.
       On failure writes a NUL-terminated reason into `error` (truncated to `capacity`). */
    manifold_status (*load)(void *instance, manifold_str key, manifold_bytes bytes, char *error, size_t capacity);
} manifold_plugin_state;

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_EXT_STATE_H */
