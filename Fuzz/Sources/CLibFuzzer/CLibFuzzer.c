/* The declaration in include/CLibFuzzer.h is all this module provides; libFuzzer itself is
 * linked by -sanitize=fuzzer. SwiftPM needs one source file to make a C module. */
#include "CLibFuzzer.h"
