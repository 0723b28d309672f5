#pragma once
/* Small C helpers the host needs that Swift's Glibc module does not expose cleanly. */
#include <dlfcn.h>
#include <stdint.h>

/* The flags the host opens plugin libraries with: resolve everything now (so a missing
   dependency fails at load, not mid-run), keep symbols private to the plugin, and never
   unload (Swift runtimes keep pointers into loaded images). */
static inline int manifold_plugin_dlopen_flags(void) {
    return RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE;
}

#include "../../CManifoldABI/include/manifold_plugin.h"

/* Function-like macros of the ABI header do not reach Swift; these do. */
static inline uint32_t manifold_host_abi_version(void) { return MANIFOLD_ABI_VERSION; }
static inline uint32_t manifold_host_abi_major(void) { return MANIFOLD_ABI_VERSION_MAJOR; }
static inline uint32_t manifold_host_abi_minor(void) { return MANIFOLD_ABI_VERSION_MINOR; }
static inline uint64_t manifold_flag_concurrent(void) { return MANIFOLD_PLUGIN_FLAG_CONCURRENT; }

#include "manifold_signals.h"
