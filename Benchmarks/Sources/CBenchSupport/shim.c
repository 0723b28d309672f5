// Header-only: see include/bench_support.h
