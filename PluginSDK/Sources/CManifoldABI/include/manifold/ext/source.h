/*
 * manifold/ext/source.h — "manifold.source": a plugin that emits on its own, without an
 * input (timers, file watchers, server notifications).
 *
 * A generator offers it by answering `get_extension(plugin, MANIFOLD_EXT_SOURCE)` with a
 * static `manifold_plugin_source`. A node whose plugin is a source may have no
 * subscriptions: the host calls `start` once when the graph runs and `stop` once when the
 * run stops (Ctrl-C, a time limit, or every other input finished). The plugin emits through
 * the sink from threads of its own and calls `sink->finished` exactly once when it is done
 * (on its own, or after `stop`); the run does not end before that.
 *
 * Backpressure: `sink->emit` blocks the calling thread while the graph is full, so call it
 * only from threads of your own, never from inside `start` or `stop`.
 */
#ifndef MANIFOLD_EXT_SOURCE_H
#define MANIFOLD_EXT_SOURCE_H

#include "../artifact.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MANIFOLD_EXT_SOURCE "manifold.source"

/* The host's side of a running source; valid from `start` until `finished` returns. */
typedef struct manifold_source_sink {
    uint32_t struct_size;
    void *context;  /* pass back to every function below */
    /* Publishes one artifact on the node's output topic, as `call->emit` does; returns
       MANIFOLD_CANCELLED once the host asked the source to stop. Any thread but the host's. */
    manifold_status (*emit)(void *context, const manifold_artifact *output);
    /* The source has ended; exactly once, after its last `emit`; `message` says why on a
       failure (copied). Any thread, also from inside `start` or `stop`. */
    void (*finished)(void *context, manifold_status status, manifold_str message);
} manifold_source_sink;

typedef struct manifold_plugin_source {
    uint32_t struct_size;  /* sizeof(manifold_plugin_source) of the plugin */
    /* Starts emitting through `sink`. Returns quickly (start a thread). On failure returns
       an error status without calling `finished`. */
    manifold_status (*start)(void *instance, const manifold_source_sink *sink);
    /* Asks the source to stop; it calls `sink->finished` once it has. Returns quickly. */
    void (*stop)(void *instance);
} manifold_plugin_source;

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_EXT_SOURCE_H */
