/*
 * ticker — a source: emits `text` every `intervalMs` milliseconds, `count` times (0: until
 * the run stops), each as text/plain "<text> <n>" with metadata ticker.sequence = n.
 *
 * It takes no inputs; it offers the "manifold.source" extension (manifold/ext/source.h):
 * the host starts it when the graph runs and stops it when the run stops. The ticks come
 * from a thread of its own, which waits on a condition variable between ticks, so a stop
 * ends the wait at once.
 *
 * Config: { "intervalMs": 1000, "count": 0, "text": "tick" }
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "manifold_plugin.h"
#include "plugins.h"

typedef struct ticker {
    long long interval_ms;
    long long count;
    char text[256];
    const manifold_source_sink *sink;
    pthread_t thread;
    bool running;
    bool stopping;
    pthread_mutex_t lock;
    pthread_cond_t wake;
} ticker;

static manifold_status ticker_create(const manifold_plugin *plugin, manifold_str config, const manifold_host *host,
                                     void **out_instance, char *error, size_t error_capacity) {
    (void)plugin; (void)host;
    ticker *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(error, error_capacity, "out of memory");
        return MANIFOLD_ERROR;
    }
    t->interval_ms = config_integer(config, "intervalMs", 1000);
    t->count = config_integer(config, "count", 0);
    if (!config_string(config, "text", t->text, sizeof t->text)) strcpy(t->text, "tick");
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&t->wake, &attributes);
    pthread_condattr_destroy(&attributes);
    *out_instance = t;
    return MANIFOLD_OK;
}

/* Waits one interval; false when asked to stop meanwhile. */
static bool wait_interval(ticker *t) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += t->interval_ms / 1000;
    deadline.tv_nsec += (t->interval_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&t->lock);
    while (!t->stopping) {
        if (pthread_cond_timedwait(&t->wake, &t->lock, &deadline) == ETIMEDOUT) break;
    }
    bool go_on = !t->stopping;
    pthread_mutex_unlock(&t->lock);
    return go_on;
}

static void *ticker_run(void *opaque) {
    ticker *t = opaque;
    manifold_status status = MANIFOLD_OK;
    for (long long n = 1; t->count == 0 || n <= t->count; n++) {
        if (!wait_interval(t)) break;
        char text[300], sequence[24];
        int length = snprintf(text, sizeof text, "%s %lld", t->text, n);
        snprintf(sequence, sizeof sequence, "%lld", n);
        manifold_metadata_entry entry = {manifold_str_from_cstr("ticker.sequence"), manifold_str_from_cstr(sequence)};
        manifold_artifact output;
        memset(&output, 0, sizeof output);
        output.struct_size = sizeof output;
        output.type = manifold_str_from_cstr("text/plain");
        output.metadata = &entry;
        output.metadata_count = 1;
        output.payload.data = (const uint8_t *)text;
        output.payload.length = (size_t)length;
        status = t->sink->emit(t->sink->context, &output);
        if (status != MANIFOLD_OK) break;
    }
    /* Stopped by the host, or done: either way the source ended well. */
    t->sink->finished(t->sink->context, status == MANIFOLD_INVALID_ARGUMENT ? MANIFOLD_ERROR : MANIFOLD_OK,
                      manifold_str_from_cstr(status == MANIFOLD_INVALID_ARGUMENT ? "the host refused a tick" : NULL));
    return NULL;
}

static manifold_status ticker_start(void *instance, const manifold_source_sink *sink) {
    ticker *t = instance;
    pthread_mutex_lock(&t->lock);
    if (t->running) {
        pthread_mutex_unlock(&t->lock);
        return MANIFOLD_INVALID_ARGUMENT;
    }
    t->sink = sink;
    t->stopping = false;
    t->running = pthread_create(&t->thread, NULL, ticker_run, t) == 0;
    pthread_mutex_unlock(&t->lock);
    return t->running ? MANIFOLD_OK : MANIFOLD_ERROR;
}

static void ticker_stop(void *instance) {
    ticker *t = instance;
    pthread_mutex_lock(&t->lock);
    t->stopping = true;
    pthread_cond_broadcast(&t->wake);
    pthread_mutex_unlock(&t->lock);
}

static const manifold_plugin_source ticker_source = {
    .struct_size = sizeof(manifold_plugin_source),
    .start = ticker_start,
    .stop = ticker_stop,
};

static void ticker_process(void *instance, const manifold_artifact *input, const manifold_call *call) {
    (void)instance; (void)input;
    call->complete(call->context, MANIFOLD_INVALID_ARGUMENT, manifold_str_from_cstr("ticker takes no inputs"));
}

static void ticker_shutdown(void *instance, void (*done)(void *), void *done_context) {
    ticker *t = instance;
    ticker_stop(t);
    if (t->running) pthread_join(t->thread, NULL);
    t->running = false;
    done(done_context);
}

static void ticker_destroy(void *instance) {
    ticker *t = instance;
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static const void *ticker_get_extension(const manifold_plugin *plugin, const char *extension_id) {
    (void)plugin;
    return strcmp(extension_id, MANIFOLD_EXT_SOURCE) == 0 ? &ticker_source : NULL;
}

static const char *const ticker_outputs[] = {"text/plain"};

const manifold_plugin ticker_plugin = {
    .struct_size = sizeof(manifold_plugin),
    .name = "ticker",
    .version = "1.0.0",
    .description = "A source: emits text every intervalMs milliseconds, count times (0: until the run stops).",
    .kind = MANIFOLD_KIND_GENERATOR,
    .flags = 0,
    .input_types = NULL,
    .input_type_count = 0,
    .output_types = ticker_outputs,
    .output_type_count = 1,
    .config_schema = "{\"type\":\"object\",\"properties\":{"
                     "\"intervalMs\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":86400000},"
                     "\"count\":{\"type\":\"integer\",\"minimum\":0},"
                     "\"text\":{\"type\":\"string\",\"maxLength\":255,\"pattern\":\"^[^\\\\\\\\\\\"]*$\"}},"
                     "\"additionalProperties\":false}",
    .create = ticker_create,
    .process = ticker_process,
    .shutdown = ticker_shutdown,
    .destroy = ticker_destroy,
    .get_extension = ticker_get_extension,
};
