/// Unsigned LEB128 varints: seven bits a byte, least significant group first, high bit set on
/// every byte but the last. At most 10 bytes for a UInt64; only the shortest form is valid, so
/// every value has exactly one encoding.
enum WireVarint {
    /// How many bytes `value` takes.
    @inline(__always)
    static func size(_ value: UInt64) -> Int {
        // 1 byte per started group of 7 significant bits; 0 still takes one byte.
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    /// Writes `value` at `pointer + offset`, returning the offset after it.
    @inline(__always)
    static func write(_ value: UInt64, to pointer: UnsafeMutableRawPointer, at offset: Int) -> Int {
        var value = value
        var offset = offset
        while value >= 0x80 {
            pointer.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: offset, as: UInt8.self)
            value >>= 7
            offset += 1
        }
        pointer.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: offset, as: UInt8.self)
        return offset + 1
    }
}
