/* A hung test would otherwise keep the whole test run alive until an outside timeout,
   with the name of the test lost in unflushed output. This watchdog starts with the test
   process, makes standard output line-buffered (so every finished test is on record), and
   ends the process with a clear message once it has run for MANIFOLD_TEST_TIME_LIMIT
   seconds (default 900, far above a whole run; 0 turns it off). The tests still running
   are those reported as started and never as passed or failed. */
#define _GNU_SOURCE
#include "include/manifold_test_watchdog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned limit_seconds = 0;

unsigned manifold_test_watchdog_seconds(void) { return limit_seconds; }

static void *watch(void *unused) {
    (void)unused;
    struct timespec remaining = {.tv_sec = (time_t)limit_seconds, .tv_nsec = 0};
    while (nanosleep(&remaining, &remaining) != 0) {
    }
    fflush(stdout);
    static const char message[] =
        "\nerror: the test process is still running after MANIFOLD_TEST_TIME_LIMIT seconds: a test hangs.\n"
        "The tests reported as started and never as passed or failed are the ones still running.\n";
    ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
    (void)ignored;
    _exit(124);
    return NULL;
}

__attribute__((constructor)) static void start_watchdog(void) {
    const char *configured = getenv("MANIFOLD_TEST_TIME_LIMIT");
    limit_seconds = 900;
    if (configured) {
        char *end = NULL;
        unsigned long value = strtoul(configured, &end, 10);
        if (end != configured && *end == '\0' && value <= 86400) {
            limit_seconds = (unsigned)value;
        } else {
            /* A typo must not turn the watchdog off unseen. */
            fprintf(stderr, "warning: MANIFOLD_TEST_TIME_LIMIT=\"%s\" is not a number of seconds (0-86400); using 900\n",
                    configured);
        }
    }
    if (limit_seconds == 0) return;
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_create(&thread, &attributes, watch, NULL);
    pthread_attr_destroy(&attributes);
}
