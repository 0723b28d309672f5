import Foundation

/// Appends a journal record's fields: fixed-width little-endian integers and byte strings
/// prefixed with their 32-bit length. Records are written by this program and read back by
/// it, so the format favours speed over compactness.
struct JournalBytesWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func uint64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func data(_ value: some Collection<UInt8>) {
        let count = UInt32(value.count)
        withUnsafeBytes(of: count.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: value)
    }

    mutating func string(_ value: String) {
        data(value.utf8)
    }

    /// An optional string: a flag byte, then the string when there is one.
    mutating func optionalString(_ value: String?) {
        byte(value == nil ? 0 : 1)
        if let value { string(value) }
    }

    mutating func clear() {
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Reads what `JournalBytesWriter` wrote, refusing to read past the end.
struct JournalBytesReader {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position == bytes.count }

    /// Thrown for bytes that end early or hold an invalid string; the caller names the record.
    struct Truncated: Error {
        let field: String
    }

    mutating func byte(_ field: String) throws(Truncated) -> UInt8 {
        guard position < bytes.count else { throw Truncated(field: field) }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uint64(_ field: String) throws(Truncated) -> UInt64 {
        guard bytes.count - position >= 8 else { throw Truncated(field: field) }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return value
    }

    mutating func data(_ field: String) throws(Truncated) -> ArraySlice<UInt8> {
        guard bytes.count - position >= 4 else { throw Truncated(field: field) }
        var count = 0
        for index in 0..<4 { count |= Int(bytes[position + index]) << (8 * index) }
        position += 4
        guard bytes.count - position >= count else { throw Truncated(field: field) }
        defer { position += count }
        return bytes[position..<position + count]
    }

    mutating func string(_ field: String) throws(Truncated) -> String {
        let slice = try data(field)
        guard let string = String(validating: slice, as: UTF8.self) else { throw Truncated(field: field) }
        return string
    }

    mutating func optionalString(_ field: String) throws(Truncated) -> String? {
        try byte(field) == 0 ? nil : try string(field)
    }
}
