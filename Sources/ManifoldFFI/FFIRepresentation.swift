import CFFI

// How CType values are laid out for libffi: type descriptors and argument storage.

extension CArgument {
    /// Writes the C value into `slot` (8 bytes, 8-byte aligned). A string is copied into a
    /// new NUL-terminated buffer appended to `strings`, which the caller frees after the call.
    func store(at slot: UnsafeMutableRawPointer, keepingStringsIn strings: inout [UnsafeMutablePointer<CChar>]) {
        switch self {
        case .bool(let value): slot.storeBytes(of: value ? 1 : 0, as: UInt8.self)
        case .int8(let value): slot.storeBytes(of: value, as: Int8.self)
        case .int16(let value): slot.storeBytes(of: value, as: Int16.self)
        case .int32(let value): slot.storeBytes(of: value, as: Int32.self)
        case .int64(let value): slot.storeBytes(of: value, as: Int64.self)
        case .uint8(let value): slot.storeBytes(of: value, as: UInt8.self)
        case .uint16(let value): slot.storeBytes(of: value, as: UInt16.self)
        case .uint32(let value): slot.storeBytes(of: value, as: UInt32.self)
        case .uint64(let value): slot.storeBytes(of: value, as: UInt64.self)
        case .float(let value): slot.storeBytes(of: value, as: Float.self)
        case .double(let value): slot.storeBytes(of: value, as: Double.self)
        case .null: slot.storeBytes(of: nil, as: UnsafeRawPointer?.self)
        case .string(let value):
            let bytes = value.utf8CString  // NUL-terminated; NULs inside were refused earlier.
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            bytes.withUnsafeBufferPointer { copy.initialize(from: $0.baseAddress!, count: $0.count) }
            strings.append(copy)
            slot.storeBytes(of: UnsafePointer(copy), as: UnsafePointer<CChar>.self)
        }
    }
}

extension CType {
    /// The libffi type descriptor (owned by libffi, static). `bool` is passed as `uint8`,
    /// which matches C's one-byte `_Bool` on every ABI libffi supports; strings and opaque
    /// pointers are `pointer`.
    var ffiType: UnsafeMutablePointer<ffi_type> {
        switch self {
        case .void: return mf_ffi_type_void()
        case .bool, .uint8: return mf_ffi_type_uint8()
        case .int8: return mf_ffi_type_sint8()
        case .int16: return mf_ffi_type_sint16()
        case .int32: return mf_ffi_type_sint32()
        case .int64: return mf_ffi_type_sint64()
        case .uint16: return mf_ffi_type_uint16()
        case .uint32: return mf_ffi_type_uint32()
        case .uint64: return mf_ffi_type_uint64()
        case .float: return mf_ffi_type_float()
        case .double: return mf_ffi_type_double()
        case .string, .pointer: return mf_ffi_type_pointer()
        }
    }
}
