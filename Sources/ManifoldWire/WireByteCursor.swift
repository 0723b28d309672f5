import Foundation

/// Reads varints, byte ranges and UTF-8 strings from one section of a frame, refusing to read
/// past its end. Every failure names the field being read.
struct WireByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - position }
    var isAtEnd: Bool { position == bytes.count }

    /// A LEB128 varint in its shortest form.
    mutating func varint(_ field: @autoclosure () -> String) throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for index in 0..<10 {
            guard position < bytes.count else {
                throw .malformedField(name: field(), reason: "varint runs past the end of its section")
            }
            let byte = bytes[position]
            position += 1
            if index == 9 && byte > 1 {
                throw .malformedField(name: field(), reason: "varint does not fit in 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && index > 0 {
                    throw .malformedField(name: field(), reason: "varint is not in its shortest form")
                }
                return result
            }
            shift += 7
        }
        // Unreachable: a tenth byte of 0 or 1 ends the loop above, anything larger throws.
        throw .malformedField(name: field(), reason: "varint does not fit in 64 bits")
    }

    /// A varint length, checked against what is left of the section, so no caller can be
    /// asked to read (or allocate for) more bytes than exist.
    mutating func length(_ field: @autoclosure () -> String) throws(WireError) -> Int {
        let length = try varint(field())
        guard length <= UInt64(remaining) else {
            throw .malformedField(
                name: field(), reason: "length \(length) runs past the end of its section (\(remaining) bytes left)")
        }
        return Int(length)
    }

    /// The next `count` bytes as a string, refused unless they are valid UTF-8.
    ///
    /// `String(validating:as:)` would do, but is generic over the encoding and looks up type
    /// metadata on every call (a quarter of a small artifact's decode time, measured). Instead:
    /// decode with repair, which is specialised, and check the result has the same bytes; a
    /// repair always changes them, since it puts U+FFFD where the input had no valid sequence.
    mutating func utf8String(_ count: Int) -> String? {
        let bytes = take(count).assumingMemoryBound(to: UInt8.self)
        var string = String(decoding: bytes, as: UTF8.self)
        let same = string.withUTF8 { decoded in
            decoded.count == bytes.count && (bytes.isEmpty || memcmp(decoded.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        return same ? string : nil
    }

    /// The next `count` bytes; `count` must be at most `remaining`.
    mutating func take(_ count: Int) -> UnsafeRawBufferPointer {
        precondition(count <= remaining)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
        position += count
        return slice
    }
}
