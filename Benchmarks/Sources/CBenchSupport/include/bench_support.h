#ifndef BENCH_SUPPORT_H
#define BENCH_SUPPORT_H
#include <stddef.h>
#if defined(__linux__)
#include <malloc.h>
#endif

/// Heap bytes in use now (all arenas, mmapped blocks included), or 0 where unknown.
/// Swift's Glibc module does not import <malloc.h>, hence this shim.
static inline size_t bench_heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
#else
    return 0;
#endif
}
#endif
