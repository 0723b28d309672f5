// Example tool functions: see include/manifold_example_tools.h for the contract of each.
#include "manifold_example_tools.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

double manifold_example_add(double a, double b) {
    return a + b;
}

int64_t manifold_example_factorial(int64_t n) {
    if (n < 0) return -1;
    int64_t result = 1;
    for (int64_t i = 2; i <= n; i++) {
        if (result > INT64_MAX / i) return -1;
        result *= i;
    }
    return result;
}

int32_t manifold_example_is_prime(int64_t n) {
    if (n < 2) return 0;
    if (n < 4) return 1;
    if (n % 2 == 0 || n % 3 == 0) return 0;
    for (int64_t i = 5; i <= n / i; i += 6) {
        if (n % i == 0 || n % (i + 2) == 0) return 0;
    }
    return 1;
}

int64_t manifold_example_gcd(int64_t a, int64_t b) {
    // Work on magnitudes in uint64_t so INT64_MIN has a magnitude too.
    uint64_t x = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
    uint64_t y = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
    while (y != 0) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    return x > (uint64_t)INT64_MAX ? -1 : (int64_t)x;
}

int64_t manifold_example_string_length(const char *text) {
    if (text == NULL) return -1;
    int64_t count = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p != 0; p++) {
        if ((*p & 0xC0) != 0x80) count++;
    }
    return count;
}

const char *manifold_example_greeting(const char *name) {
    static _Thread_local char buffer[256];
    if (name == NULL || name[0] == '\0') return NULL;
    if (strlen(name) > 200) return NULL;
    snprintf(buffer, sizeof buffer, "Hello, %s!", name);
    return buffer;
}

float manifold_example_celsius_to_fahrenheit(float celsius) {
    return celsius * 9.0f / 5.0f + 32.0f;
}

uint8_t manifold_example_wrapping_add_u8(uint8_t a, uint8_t b) {
    return (uint8_t)(a + b);
}

int8_t manifold_example_negate_i8(int8_t value) {
    return value == INT8_MIN ? INT8_MAX : (int8_t)-value;
}

bool manifold_example_xor(bool a, bool b) {
    return a != b;
}

uint64_t manifold_example_echo_u64(uint64_t value) {
    return value;
}

uint16_t manifold_example_echo_u16(uint16_t value) {
    return value;
}

int64_t manifold_example_sum_mixed(int8_t a, uint8_t b, int16_t c, uint16_t d,
                                   int32_t e, uint32_t f, int64_t g, bool negate) {
    // Unsigned arithmetic wraps instead of overflowing (which would be undefined for int64_t).
    uint64_t sum = (uint64_t)(int64_t)a + (uint64_t)b + (uint64_t)(int64_t)c + (uint64_t)d +
                   (uint64_t)(int64_t)e + (uint64_t)f + (uint64_t)g;
    return (int64_t)(negate ? (uint64_t)0 - sum : sum);
}

int32_t manifold_example_is_null(const void *pointer) {
    return pointer == NULL ? 1 : 0;
}

static atomic_llong manifold_example_counter;

void manifold_example_counter_increment(void) {
    atomic_fetch_add(&manifold_example_counter, 1);
}

int64_t manifold_example_counter_value(void) {
    return (int64_t)atomic_load(&manifold_example_counter);
}
