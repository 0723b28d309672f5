#ifndef MANIFOLD_CLIBFUZZER_H
#define MANIFOLD_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point for a program that has its own main (declared in compiler-rt's
 * FuzzerInterface.h; linked by -sanitize=fuzzer). It reads libFuzzer's flags from argv, then
 * calls `callback` with each input; it returns the process's exit status. Swift executables
 * built by SwiftPM always have a main of their own, so they start libFuzzer through this. */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
