import CFFI
import ManifoldJSON

/// Reads a function's return value from an `ffi_call` return buffer and converts it to JSON.
enum ResultConversion {
    /// Bytes to reserve for the return buffer: libffi writes integral results narrower than
    /// a word as a whole `ffi_arg`, and every supported type fits in 16 bytes.
    static let bufferSize = max(16, mf_ffi_arg_size())

    /// Converts the value in `buffer` (at least `bufferSize` bytes, 16-byte aligned).
    ///
    /// Must run on the calling thread right after the call: a returned string may live in a
    /// thread-local or static buffer that the next call overwrites.
    static func convert(
        _ buffer: UnsafeRawPointer, type: CType, function: String
    ) -> Result<JSONValue, ForeignCallError> {
        // libffi's rule: integral types narrower than ffi_arg come back widened to ffi_arg,
        // so read the whole word and truncate (correct for either endianness).
        var word: ffi_arg { buffer.load(as: ffi_arg.self) }
        switch type {
        case .void, .pointer:
            // The parser refuses pointer returns; void has no value.
            return .success(.null)
        case .bool: return .success(.bool(UInt8(truncatingIfNeeded: word) != 0))
        case .int8: return .success(.integer(Int64(Int8(truncatingIfNeeded: word))))
        case .int16: return .success(.integer(Int64(Int16(truncatingIfNeeded: word))))
        case .int32: return .success(.integer(Int64(Int32(truncatingIfNeeded: word))))
        case .uint8: return .success(.integer(Int64(UInt8(truncatingIfNeeded: word))))
        case .uint16: return .success(.integer(Int64(UInt16(truncatingIfNeeded: word))))
        case .uint32: return .success(.integer(Int64(UInt32(truncatingIfNeeded: word))))
        case .int64: return .success(.integer(buffer.load(as: Int64.self)))
        case .uint64:
            let value = buffer.load(as: UInt64.self)
            guard let exact = Int64(exactly: value) else {
                return .failure(.unrepresentableResult(function: function, type: type, value: String(value)))
            }
            return .success(.integer(exact))
        case .float:
            let value = buffer.load(as: Float.self)
            guard value.isFinite else {
                return .failure(.unrepresentableResult(function: function, type: type, value: ArgumentConverter.format(Double(value))))
            }
            // Go through the shortest decimal that round-trips the Float, so 98.6 comes back
            // as 98.6 rather than 98.59999847412109.
            return .success(.number(Double(value.description) ?? Double(value)))
        case .double:
            let value = buffer.load(as: Double.self)
            guard value.isFinite else {
                return .failure(.unrepresentableResult(function: function, type: type, value: ArgumentConverter.format(value)))
            }
            return .success(.number(value))
        case .string:
            guard let pointer = buffer.load(as: UnsafePointer<CChar>?.self) else { return .success(.null) }
            // Invalid UTF-8 is repaired with U+FFFD rather than failing the call.
            return .success(.string(String(cString: pointer)))
        }
    }
}
