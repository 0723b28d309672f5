/*
 * manifold/version.h — the ABI version, and the one rule that decides compatibility.
 *
 * A library states the version of the headers it was built against in its
 * `manifold_library` entry. The host loads a library whose major equals its own and whose
 * minor is not newer, and says exactly why otherwise. Within one major, structs only grow
 * at the end (every struct starts with `struct_size`) and new features arrive as named
 * extensions, so an older minor keeps working with a newer host.
 */
#ifndef MANIFOLD_VERSION_H
#define MANIFOLD_VERSION_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An ABI version: breaking changes bump `major`; additions bump `minor`. */
typedef struct manifold_version {
    uint32_t major;
    uint32_t minor;
} manifold_version;

/* The version these headers describe, as values Swift and C can both read. */
static const uint32_t MANIFOLD_ABI_VERSION_MAJOR = 2;
static const uint32_t MANIFOLD_ABI_VERSION_MINOR = 0;

/* For static initialisers in C (a `static const` is not a constant expression there); keep
   it equal to the two values above (a host test checks). */
#define MANIFOLD_ABI_VERSION_INIT {2, 0}

/* The version these headers describe. */
static const manifold_version MANIFOLD_ABI_VERSION = MANIFOLD_ABI_VERSION_INIT;

/* Whether a host built against these headers can load a library built against `library`:
   same major, minor not newer. */
static inline bool manifold_version_is_compatible(manifold_version library) {
    return library.major == MANIFOLD_ABI_VERSION_MAJOR && library.minor <= MANIFOLD_ABI_VERSION_MINOR;
}

#ifdef __cplusplus
}
#endif

#endif /* MANIFOLD_VERSION_H */
