/*
 * manifold/types.h — strings, bytes, status codes and log levels shared by every header.
 *
 * Strings: `manifold_str` is UTF-8 with an explicit length and need not be NUL-terminated.
 * Descriptor strings (`const char *`) are NUL-terminated, static, and at most
 * MANIFOLD_MAX_DESCRIPTOR_STRING bytes long; the host refuses longer ones.
 */
#ifndef MANIFOLD_TYPES_H
#define MANIFOLD_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define MANIFOLD_EXPORT __attribute__((visibility("default")))
#else
#define MANIFOLD_EXPORT
#endif

/* UTF-8 text with a length; `data` may be NULL when `length` is 0. */
typedef struct manifold_str {
    const char *data;
    size_t length;
} manifold_str;

/* Bytes with a length; `data` may be NULL when `length` is 0. */
typedef struct manifold_bytes {
    const uint8_t *data;
    size_t length;
} manifold_bytes;

/* Status codes returned by plugin and host functions. */
typedef int32_t manifold_status;
/* Done. */
#define MANIFOLD_OK 0
/* Failed; an error text says why. */
#define MANIFOLD_ERROR 1
/* The work was cancelled: stop producing and complete. */
#define MANIFOLD_CANCELLED 2
/* An argument was invalid (e.g. an artifact without a type, a call used after `complete`). */
#define MANIFOLD_INVALID_ARGUMENT 3
/* The function is not offered (e.g. `next` on a generator's call). */
#define MANIFOLD_UNSUPPORTED 4

/* Log levels for `manifold_host.log`. */
typedef int32_t manifold_log_level;
#define MANIFOLD_LOG_TRACE 0
#define MANIFOLD_LOG_DEBUG 1
#define MANIFOLD_LOG_INFO 2
#define MANIFOLD_LOG_WARNING 3
#define MANIFOLD_LOG_ERROR 4

/* Longest descriptor string (name, version, type, config schema …) the host reads. */
static const size_t MANIFOLD_MAX_DESCRIPTOR_STRING = 1048576;

/* Most types one port may list. */
static const size_t MANIFOLD_MAX_PORT_TYPES = 256;

/* A manifold_str from a NUL-terminated string (NULL gives the empty string). */
static inline manifold_str manifold_str_from_cstr(const char *text) {
    manifold_str result;
    size_t length = 0;
    if (text) {
        while (text[length]) length++;
    }
    result.data = text;
    result.length = length;
    return result;
}

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_TYPES_H */
