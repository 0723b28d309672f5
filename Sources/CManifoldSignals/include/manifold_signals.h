#pragma once
/* Signal forwarding for the launcher: a signal handler may only do async-signal-safe work,
   so it writes one byte to a pipe and a thread of the launcher does the rest. */

/* Catches `signal_number` from now on: each delivery writes the signal number as one byte
   to `write_fd`, so one pipe can carry several signals (the launcher forwards SIGINT and
   SIGTERM) and its reader tells them apart. Every forwarded signal writes to the last
   `write_fd` given. The handler is in place when this returns, so no signal can slip by
   unhandled, and the signal is unblocked in the calling thread. Returns 0, or -1 with errno. */
int manifold_forward_signal(int signal_number, int write_fd);

/* Restores the default action for `signal_number` and stops writing to the pipe, for every
   forwarded signal: stop forwarding all of them together. */
int manifold_stop_forwarding_signal(int signal_number);
