#pragma once
/* Linked into the test process: ends a test run that hangs (see watchdog.c). */

/* Seconds the test process may run; 0 when the watchdog is off. */
unsigned manifold_test_watchdog_seconds(void);
