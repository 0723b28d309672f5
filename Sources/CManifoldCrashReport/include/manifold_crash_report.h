#pragma once
/* One line on standard error when plugin code crashes the host process: which plugin, on
   which node, and the fix (isolate it). A crash in process cannot be survived; it can be
   named. Everything here is async-signal-safe where it has to be. */

/* Installs the handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT, once: each writes
   the line, then hands the signal to the handler that was there before (the Swift runtime's
   backtracer, when enabled) or to the default action, so the process still ends as it would
   have, with the same signal. `in_worker` is non-zero in an isolated node's worker, whose
   host restarts it: the line then says so instead of naming the fix. */
void manifold_crash_report_install(int in_worker);

/* Sets what the calling thread is running, for the line; returns what was set before, to be
   set again when the plugin call returns. `description` must stay valid as long as it may be
   set ("plugin 'x' on node 'y'"); NULL for host code. */
const char *manifold_crash_report_exchange(const char *description);
