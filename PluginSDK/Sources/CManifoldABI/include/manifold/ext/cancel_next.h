/*
 * manifold/ext/cancel_next.h — "manifold.cancel-next": a middleware stops the downstream
 * chain it started with `call->next`, without waiting for that chain's next output.
 *
 * A host extension: the plugin asks `host->get_extension(host->context,
 * MANIFOLD_EXT_CANCEL_NEXT)` and gets a `manifold_host_cancel_next`, or NULL from a host
 * without it. Without it a middleware can stop its downstream only by returning
 * MANIFOLD_CANCELLED from `on_emit`, which a downstream that emits nothing (a model call
 * waiting on a silent server) never reaches; a time limit then cannot end the work.
 *
 * What is cancelled: the native plugin calls running below that `next` (and those it starts
 * afterwards), exactly as when the node's own work is cancelled: each plugin's cancel
 * handler runs (see call.h, "Cancellation"). The `next` still ends the usual way, with one
 * `on_complete` (MANIFOLD_CANCELLED when the downstream stopped because of it).
 *
 * Threads: `cancel_next` may be called from any thread, inside the plugin's own cancel
 * handler included, from the moment `next` returned until the call completes. It never
 * blocks on the downstream and may run plugin cancel handlers on the calling thread. Called
 * when no `next` runs, it does nothing (a later `next` is not cancelled).
 */
#ifndef MANIFOLD_EXT_CANCEL_NEXT_H
#define MANIFOLD_EXT_CANCEL_NEXT_H

#include "../types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MANIFOLD_EXT_CANCEL_NEXT "manifold.cancel-next"

/* The host's table, valid as long as the instance's host table. */
typedef struct manifold_host_cancel_next {
    uint32_t struct_size;
    /* Cancels the downstream of the `next` running on the call whose `context` is
       `call_context` (pass `call->context`). */
    void (*cancel_next)(void *call_context);
} manifold_host_cancel_next;

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_EXT_CANCEL_NEXT_H */
