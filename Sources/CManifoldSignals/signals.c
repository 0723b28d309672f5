#define _GNU_SOURCE
#include "include/manifold_signals.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Read by the handler; a plain int written before the handler is installed. */
static volatile sig_atomic_t forwarding_fd = -1;

static void forward_signal(int signal_number) {
    int saved_errno = errno;
    int fd = forwarding_fd;
    if (fd >= 0) {
        unsigned char byte = (unsigned char)signal_number;
        /* A full pipe means many signals are already queued: dropping this one is fine. */
        ssize_t ignored = write(fd, &byte, 1);
        (void)ignored;
    }
    errno = saved_errno;
}

int manifold_forward_signal(int signal_number, int write_fd) {
    forwarding_fd = write_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(signal_number, &action, NULL) != 0) return -1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal_number);
    return pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0 ? 0 : -1;
}

int manifold_stop_forwarding_signal(int signal_number) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    int result = sigaction(signal_number, &action, NULL);
    forwarding_fd = -1;
    return result;
}
