/*
 * manifold/call.h — one input being processed: how a plugin emits, completes, learns of
 * cancellation, and (middleware) runs the rest of the chain.
 *
 * Threads and re-entrancy
 *   Every function of a call may be called from any thread, during `process` or after it
 *   returned, and from inside the plugin's own cancel handler. The host holds no lock of
 *   its own while plugin code runs, so a plugin may call back into the host from any
 *   callback.
 *
 * Cancellation (the rules of C++'s std::stop_callback)
 *   - The cancel handler runs at most once, on the thread that cancels the call (a host
 *     thread), or at once on the registering thread if the call is already cancelled.
 *   - It may call `emit` (which then returns MANIFOLD_CANCELLED), `is_cancelled` and
 *     `complete`.
 *   - It is never started after `complete` began. If it is running on another thread when
 *     the plugin calls `complete`, `complete` waits for it to return before returning, so
 *     once `complete` returned, the handler's `user_data` may be freed. Called from inside
 *     the handler itself, `complete` does not wait. Hence: do not hold, while calling
 *     `complete`, a lock that your cancel handler takes.
 *
 * Lifetime
 *   The call and the input are valid until `complete` returns. After that the call must
 *   not be used. The host keeps the call's table readable and refuses every later callback
 *   through it (a late `emit` returns MANIFOLD_INVALID_ARGUMENT; `is_cancelled` answers true)
 *   and counts it, but it is a plugin bug.
 */
#ifndef MANIFOLD_CALL_H
#define MANIFOLD_CALL_H

#include "artifact.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What a middleware hands `call->next`: where the downstream chain's outputs and its
 * completion go. The struct is copied by `next`; `user_data` is passed back unchanged.
 */
typedef struct manifold_next_handler {
    uint32_t struct_size;
    void *user_data;
    /* Each output of the downstream chain; NULL forwards outputs unchanged to `call->emit`.
       The view is valid only during the callback (retain its payload to keep the bytes).
       Return MANIFOLD_OK, or MANIFOLD_CANCELLED to ask the downstream chain to stop. */
    manifold_status (*on_emit)(void *user_data, const manifold_artifact *output);
    /* The downstream chain finished with `status` (MANIFOLD_OK or an error and its text,
       valid only during the callback). Called exactly once per `next`, from any thread. */
    void (*on_complete)(void *user_data, manifold_status status, manifold_str error_message);
} manifold_next_handler;

/* One input being processed. Valid from `process` until `complete` returns. */
typedef struct manifold_call {
    uint32_t struct_size;
    void *context;  /* pass back to every function below */
    /* Sends one output downstream. Returns MANIFOLD_OK; MANIFOLD_CANCELLED when the call was
       cancelled (stop producing, then complete); MANIFOLD_INVALID_ARGUMENT for a malformed
       artifact (the host reports it as the node's failure). The view is copied before the
       return, the payload as artifact.h says. */
    manifold_status (*emit)(void *context, const manifold_artifact *output);
    /* Ends the call: exactly once, after the last `emit`. On failure, `error_message` says
       why (copied). */
    void (*complete)(void *context, manifold_status status, manifold_str error_message);
    /* Whether the call was cancelled. */
    bool (*is_cancelled)(void *context);
    /* Registers `handler(user_data)` to run once if the call is cancelled (at once, on this
       thread, if it already is). A later registration replaces an earlier one; NULL removes
       it. See "Cancellation" above. */
    void (*on_cancel)(void *context, void (*handler)(void *user_data), void *user_data);
    /* Middleware only (NULL for generators): passes `input` to the rest of the chain (the
       view is copied, the payload as artifact.h says). Outputs and completion arrive through
       `handler`. May be called again after the previous `next` completed (retry); not while
       one is running. */
    void (*next)(void *context, const manifold_artifact *input, const manifold_next_handler *handler);
} manifold_call;

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_CALL_H */
