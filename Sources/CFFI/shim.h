// C shim over libffi for the ManifoldFFI Swift module.
//
// Swift 6 strict concurrency rejects direct references to libffi's mutable C globals
// (`&ffi_type_double`, ...), so each predefined type is exposed through a `static inline`
// accessor. The call helpers also hide `FFI_DEFAULT_ABI` (an enumerator whose spelling
// varies by target) and the `void (*)(void)` function-pointer cast.
#pragma once

#if __has_include(<ffi.h>)
#include <ffi.h>
#else
#include <ffi/ffi.h>
#endif

#include <stddef.h>

// MARK: Predefined types (libffi owns them; never free or modify)

static inline ffi_type *mf_ffi_type_void(void) { return &ffi_type_void; }
static inline ffi_type *mf_ffi_type_uint8(void) { return &ffi_type_uint8; }
static inline ffi_type *mf_ffi_type_sint8(void) { return &ffi_type_sint8; }
static inline ffi_type *mf_ffi_type_uint16(void) { return &ffi_type_uint16; }
static inline ffi_type *mf_ffi_type_sint16(void) { return &ffi_type_sint16; }
static inline ffi_type *mf_ffi_type_uint32(void) { return &ffi_type_uint32; }
static inline ffi_type *mf_ffi_type_sint32(void) { return &ffi_type_sint32; }
static inline ffi_type *mf_ffi_type_uint64(void) { return &ffi_type_uint64; }
static inline ffi_type *mf_ffi_type_sint64(void) { return &ffi_type_sint64; }
static inline ffi_type *mf_ffi_type_float(void) { return &ffi_type_float; }
static inline ffi_type *mf_ffi_type_double(void) { return &ffi_type_double; }
static inline ffi_type *mf_ffi_type_pointer(void) { return &ffi_type_pointer; }

// MARK: Call interface

/// Prepares `cif` for a non-variadic call with the platform's default ABI.
/// `cif` and `atypes` must stay alive (and unchanged) for as long as calls use `cif`.
static inline ffi_status mf_ffi_prep_cif(ffi_cif *cif, unsigned int nargs, ffi_type *rtype, ffi_type **atypes) {
    return ffi_prep_cif(cif, FFI_DEFAULT_ABI, nargs, rtype, atypes);
}

/// Calls `fn` through a prepared `cif`. `rvalue` must hold at least
/// `mf_ffi_return_buffer_size()` bytes, suitably aligned; `avalue[i]` points at argument `i`.
static inline void mf_ffi_call(ffi_cif *cif, void *fn, void *rvalue, void **avalue) {
    ffi_call(cif, FFI_FN(fn), rvalue, avalue);
}

/// `sizeof(ffi_arg)`: libffi widens integral return values narrower than this to a full
/// `ffi_arg` in the return buffer.
static inline size_t mf_ffi_arg_size(void) { return sizeof(ffi_arg); }
