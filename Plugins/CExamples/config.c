#include "config.h"

#include <stdlib.h>
#include <string.h>

/* The offset just past `"key"` and the colon after it, or -1. */
static long value_offset(manifold_str config, const char *key) {
    size_t key_length = strlen(key);
    for (size_t i = 0; i + key_length + 2 <= config.length; i++) {
        if (config.data[i] != '"' || memcmp(config.data + i + 1, key, key_length) != 0 || config.data[i + 1 + key_length] != '"') continue;
        size_t j = i + key_length + 2;
        while (j < config.length && (config.data[j] == ' ' || config.data[j] == ':')) j++;
        return (long)j;
    }
    return -1;
}

long long config_integer(manifold_str config, const char *key, long long fallback) {
    long offset = value_offset(config, key);
    if (offset < 0) return fallback;
    char digits[32];
    size_t n = 0;
    for (size_t i = (size_t)offset; i < config.length && n + 1 < sizeof digits; i++) {
        char c = config.data[i];
        if ((c < '0' || c > '9') && c != '-') break;
        digits[n++] = c;
    }
    digits[n] = 0;
    return n ? strtoll(digits, NULL, 10) : fallback;
}

bool config_string(manifold_str config, const char *key, char *out, size_t capacity) {
    long offset = value_offset(config, key);
    if (offset < 0 || (size_t)offset >= config.length || config.data[offset] != '"') return false;
    size_t start = (size_t)offset + 1, end = start;
    while (end < config.length && config.data[end] != '"') {
        if (config.data[end] == '\\') return false;
        end++;
    }
    if (end >= config.length || end - start + 1 > capacity) return false;
    memcpy(out, config.data + start, end - start);
    out[end - start] = 0;
    return true;
}
