/// Writes a frame's bytes into memory sized for it beforehand; it does no bounds checks of its
/// own, so its callers compute the exact size first (`ArtifactFrameLayout`).
struct WireByteWriter {
    private let base: UnsafeMutableRawPointer
    private(set) var offset: Int

    init(_ base: UnsafeMutableRawPointer, at offset: Int = 0) {
        self.base = base
        self.offset = offset
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        base.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    @inline(__always)
    mutating func uint32(_ value: UInt32) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
        offset += 4
    }

    @inline(__always)
    mutating func uint64(_ value: UInt64) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
        offset += 8
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        offset = WireVarint.write(value, to: base, at: offset)
    }

    mutating func bytes(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (base + offset).copyMemory(from: source, byteCount: bytes.count)
        offset += bytes.count
    }

    /// The string's UTF-8 bytes, without a length.
    mutating func utf8(_ string: String) {
        var string = string
        string.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }

    /// A length-prefixed string: varint UTF-8 byte count, then the bytes.
    mutating func lengthPrefixed(_ string: String) {
        varint(UInt64(string.utf8.count))
        utf8(string)
    }

    /// The prefix: magic, version, kind, header length, body length.
    mutating func prefix(kind: WireFrameKind, headerLength: Int, bodyLength: Int) {
        for byte in WireFormat.magic { self.byte(byte) }
        byte(WireFormat.currentVersion)
        byte(kind.rawValue)
        uint32(UInt32(headerLength))
        uint64(UInt64(bodyLength))
    }
}
