#define _GNU_SOURCE
#include "manifold_crash_report.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static _Thread_local const char *current_description;
static int running_in_worker;

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
#define CRASH_SIGNAL_COUNT (sizeof crash_signals / sizeof crash_signals[0])
static struct sigaction previous_actions[CRASH_SIGNAL_COUNT];

const char *manifold_crash_report_exchange(const char *description) {
    const char *previous = current_description;
    current_description = description;
    return previous;
}

static void write_text(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t written = write(STDERR_FILENO, text, length);
        if (written <= 0) return;
        text += written;
        length -= (size_t)written;
    }
}

static const char *signal_name(int signal_number) {
    switch (signal_number) {
    case SIGSEGV: return "11, SIGSEGV: invalid memory access";
    case SIGBUS: return "7, SIGBUS: bus error";
    case SIGILL: return "4, SIGILL: illegal instruction";
    case SIGFPE: return "8, SIGFPE: arithmetic error";
    case SIGABRT: return "6, SIGABRT: abort";
    default: return "unknown";
    }
}

static void report_crash(int signal_number, siginfo_t *info, void *context) {
    const char *description = current_description;
    if (description != NULL) {
        write_text("\nmanifold: ");
        write_text(description);
        if (running_in_worker) {
            write_text(" crashed its worker process (signal ");
            write_text(signal_name(signal_number));
            write_text(")\n");
        } else {
            write_text(" crashed the host process (signal ");
            write_text(signal_name(signal_number));
            write_text("); an in-process plugin shares the host's fate, so the run ends here. "
                       "Run that node in a worker process (\"isolation\": \"process\" on the node, or --isolate NODE) "
                       "so a crash costs one input instead: see docs/isolation.md\n");
        }
    } else {
        write_text(running_in_worker ? "\nmanifold: the worker process crashed (signal " : "\nmanifold: the host process crashed (signal ");
        write_text(signal_name(signal_number));
        write_text(") outside any plugin call it made: in the host itself, or in a thread a plugin started; "
                   "isolating nodes (--isolate all) tells which\n");
    }
    size_t index = 0;
    while (index < CRASH_SIGNAL_COUNT && crash_signals[index] != signal_number) index++;
    struct sigaction previous = index < CRASH_SIGNAL_COUNT ? previous_actions[index] : (struct sigaction){ 0 };
    if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction != NULL) {
        previous.sa_sigaction(signal_number, info, context);
        return;
    }
    if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN && previous.sa_handler != NULL) {
        previous.sa_handler(signal_number);
        return;
    }
    /* Back to the default action; a fault re-executes and ends the process with its signal,
       a raised signal is raised again. */
    signal(signal_number, SIG_DFL);
    if (info == NULL || info->si_code <= 0) raise(signal_number);
}

static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void install(void) {
    for (size_t index = 0; index < CRASH_SIGNAL_COUNT; index++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = report_crash;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESETHAND;
        sigemptyset(&action.sa_mask);
        sigaction(crash_signals[index], &action, &previous_actions[index]);
    }
}

void manifold_crash_report_install(int in_worker) {
    running_in_worker = in_worker;
    pthread_once(&install_once, install);
}
