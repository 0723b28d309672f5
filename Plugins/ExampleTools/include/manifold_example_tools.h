// Example tool functions for Manifold's `tools` plugin and the ManifoldFFI tests.
//
// Every function is a plain C11 function with C linkage, exported from the
// `libManifoldExampleTools` shared library, so agent-graph examples can declare them as
// tools, for example:
//
//     {"name": "factorial", "library": "libManifoldExampleTools.so",
//      "symbol": "manifold_example_factorial", "signature": "int64(int64 n)"}
//
// All functions are thread-safe. None allocates memory that the caller must free.
#ifndef MANIFOLD_EXAMPLE_TOOLS_H
#define MANIFOLD_EXAMPLE_TOOLS_H

#include <stdbool.h>
#include <stdint.h>

#if defined(_WIN32)
#define MANIFOLD_EXAMPLE_EXPORT __declspec(dllexport)
#else
#define MANIFOLD_EXAMPLE_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// `a + b`.  Signature: `double(double a, double b)`.
MANIFOLD_EXAMPLE_EXPORT double manifold_example_add(double a, double b);

/// `n!`, or -1 when `n` is negative or the result overflows int64_t (n > 20).
/// Signature: `int64(int64 n)`.
MANIFOLD_EXAMPLE_EXPORT int64_t manifold_example_factorial(int64_t n);

/// 1 when `n` is prime, 0 otherwise (including n < 2).  Signature: `int32(int64 n)`.
MANIFOLD_EXAMPLE_EXPORT int32_t manifold_example_is_prime(int64_t n);

/// Greatest common divisor of |a| and |b| (0 when both are 0).  Signature: `int64(int64 a, int64 b)`.
MANIFOLD_EXAMPLE_EXPORT int64_t manifold_example_gcd(int64_t a, int64_t b);

/// Number of Unicode code points in the UTF-8 string `text` (bytes that are not UTF-8
/// continuation bytes), or -1 when `text` is NULL.  Signature: `int64(const char* text)`.
MANIFOLD_EXAMPLE_EXPORT int64_t manifold_example_string_length(const char *text);

/// "Hello, <name>!" for a non-empty `name`; NULL when `name` is NULL, empty, or longer
/// than 200 bytes.
///
/// Ownership: the result points into a thread-local buffer owned by the library. It stays
/// valid until the next call of this function on the same thread; copy it before then and
/// never free it.  Signature: `const char*(const char* name)`.
MANIFOLD_EXAMPLE_EXPORT const char *manifold_example_greeting(const char *name);

/// Degrees Celsius to Fahrenheit, in single precision.  Signature: `float(float celsius)`.
MANIFOLD_EXAMPLE_EXPORT float manifold_example_celsius_to_fahrenheit(float celsius);

/// `(a + b) mod 256`: exercises 8-bit unsigned arguments and return values.
/// Signature: `uint8(uint8 a, uint8 b)`.
MANIFOLD_EXAMPLE_EXPORT uint8_t manifold_example_wrapping_add_u8(uint8_t a, uint8_t b);

/// `-value`, saturated to 127 for -128: exercises negative 8-bit return values.
/// Signature: `int8(int8 value)`.
MANIFOLD_EXAMPLE_EXPORT int8_t manifold_example_negate_i8(int8_t value);

/// Exclusive or of two booleans.  Signature: `bool(bool a, bool b)`.
MANIFOLD_EXAMPLE_EXPORT bool manifold_example_xor(bool a, bool b);

/// Returns `value` unchanged: exercises the full uint64 range.  Signature: `uint64(uint64 value)`.
MANIFOLD_EXAMPLE_EXPORT uint64_t manifold_example_echo_u64(uint64_t value);

/// Returns `value` unchanged: exercises 16-bit unsigned values.  Signature: `uint16(uint16 value)`.
MANIFOLD_EXAMPLE_EXPORT uint16_t manifold_example_echo_u16(uint16_t value);

/// Sum of eight arguments of mixed widths (wrapping on overflow), negated when `negate` is true. With eight
/// arguments, some travel on the stack on every common ABI.
/// Signature: `int64(int8 a, uint8 b, int16 c, uint16 d, int32 e, uint32 f, int64 g, bool negate)`.
MANIFOLD_EXAMPLE_EXPORT int64_t manifold_example_sum_mixed(int8_t a, uint8_t b, int16_t c, uint16_t d,
                                                           int32_t e, uint32_t f, int64_t g, bool negate);

/// 1 when `pointer` is NULL, 0 otherwise.  Signature: `int32(void* pointer)`.
MANIFOLD_EXAMPLE_EXPORT int32_t manifold_example_is_null(const void *pointer);

/// Adds 1 to a process-wide atomic counter.  Signature: `void()`.
MANIFOLD_EXAMPLE_EXPORT void manifold_example_counter_increment(void);

/// The process-wide counter's current value.  Signature: `int64()`.
MANIFOLD_EXAMPLE_EXPORT int64_t manifold_example_counter_value(void);

#ifdef __cplusplus
}
#endif

#endif // MANIFOLD_EXAMPLE_TOOLS_H
