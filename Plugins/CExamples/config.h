/*
 * config.h — reading the few config values the C examples take, with libc alone.
 *
 * The host has already checked the config against the plugin's JSON Schema, so these readers
 * only need to find a key at the top level of a small, valid JSON object.
 */
#ifndef MANIFOLD_C_EXAMPLES_CONFIG_H
#define MANIFOLD_C_EXAMPLES_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "manifold_plugin.h"

/* The integer value of top-level `key`, or `fallback` when absent. */
long long config_integer(manifold_str config, const char *key, long long fallback);

/* The string value of top-level `key` (escapes refused), copied into `out` (NUL-terminated).
   Returns false when absent or when it does not fit. */
bool config_string(manifold_str config, const char *key, char *out, size_t capacity);

#endif
