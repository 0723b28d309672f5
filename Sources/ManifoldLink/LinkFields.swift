import Foundation

/// Writes a link message's fields: unsigned integers as 8 bytes little-endian, strings as
/// their UTF-8 byte count (8 bytes) then the bytes. Simple on purpose: these headers are a few
/// dozen bytes, and the fixed widths make them trivial to read in any language.
package struct LinkFieldWriter {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func integer(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        integer(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

/// Reads what `LinkFieldWriter` wrote, refusing anything short, long or not UTF-8.
package struct LinkFieldReader {
    private let bytes: [UInt8]
    private var offset = 0

    package init(_ data: Data) {
        bytes = Array(data)
    }

    package mutating func integer() throws(LinkError) -> UInt64 {
        guard bytes.count - offset >= 8 else { throw .protocolViolation("a message header ends inside a number") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return value
    }

    package mutating func string() throws(LinkError) -> String {
        let count = try integer()
        guard count <= UInt64(bytes.count - offset) else { throw .protocolViolation("a message header ends inside a string") }
        let slice = bytes[offset..<offset + Int(count)]
        offset += Int(count)
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw .protocolViolation("a string in a message header is not valid UTF-8")
        }
        return text
    }

    package func expectEnd(_ kind: some CustomStringConvertible) throws(LinkError) {
        guard offset == bytes.count else {
            throw .protocolViolation("a message of kind \(kind) has \(bytes.count - offset) unexpected trailing bytes")
        }
    }
}
