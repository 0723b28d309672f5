import Foundation
import Manifold

/// Reads an artifact frame's header fields (tag-length-value) into an `Artifact`.
///
/// Known fields may come in any order but at most once; unknown tags are skipped; `id`, `type`
/// and `created-at` are required. Every length is checked against the limits and against what
/// is left of the header before a string or dictionary is made for it.
enum ArtifactHeaderDecoder {
    static func decode(header: UnsafeRawBufferPointer, payload: Data, limits: WireLimits) throws(WireError) -> Artifact {
        var cursor = WireByteCursor(header)
        var id: String?
        var type: ArtifactType?
        var createdAt: Date?
        var origin: String?
        var correlationID: String?
        var metadata: [String: String]?

        while !cursor.isAtEnd {
            let tag = try cursor.varint("header field tag")
            let length = try cursor.length("header field \(tag)")
            var value = WireByteCursor(cursor.take(length))
            switch tag {
            case 0:
                throw .malformedField(name: "header", reason: "0 is not a field tag")
            case WireFieldTag.id:
                try once(id, "id")
                id = try string(&value, field: "id", limits: limits)
            case WireFieldTag.type:
                try once(type, "type")
                type = try artifactType(&value, limits: limits)
            case WireFieldTag.createdAt:
                try once(createdAt, "created-at")
                createdAt = try date(value.bytes)
            case WireFieldTag.origin:
                try once(origin, "origin")
                origin = try string(&value, field: "origin", limits: limits)
            case WireFieldTag.correlationID:
                try once(correlationID, "correlation-id")
                correlationID = try string(&value, field: "correlation-id", limits: limits)
            case WireFieldTag.metadata:
                try once(metadata, "metadata")
                metadata = try self.metadata(value.bytes, limits: limits)
            default:
                continue  // A field from a newer writer: skipped, by design.
            }
        }

        guard let id else { throw missing("id", WireFieldTag.id) }
        guard let type else { throw missing("type", WireFieldTag.type) }
        guard let createdAt else { throw missing("created-at", WireFieldTag.createdAt) }
        return Artifact(
            id: ArtifactID(id), type: type, payload: payload, metadata: metadata ?? [:], createdAt: createdAt,
            origin: origin, correlationID: correlationID)
    }

    private static func once<Value>(_ seen: Value?, _ field: String) throws(WireError) {
        if seen != nil { throw .malformedField(name: field, reason: "appears more than once") }
    }

    private static func missing(_ field: String, _ tag: UInt64) -> WireError {
        .malformedField(name: field, reason: "required field (tag \(tag)) is missing")
    }

    /// A whole field's bytes as a string; invalid UTF-8 is refused, never replaced.
    private static func string(_ value: inout WireByteCursor, field: String, limits: WireLimits) throws(WireError) -> String {
        let count = value.remaining
        guard count <= limits.maxStringBytes else {
            throw .stringTooLong(field: field, length: UInt64(count), limit: limits.maxStringBytes)
        }
        guard let string = value.utf8String(count) else {
            throw .malformedField(name: field, reason: "is not valid UTF-8")
        }
        return string
    }

    private static func artifactType(_ value: inout WireByteCursor, limits: WireLimits) throws(WireError) -> ArtifactType {
        let text = try string(&value, field: "type", limits: limits)
        do {
            return try ArtifactType(parsing: text)
        } catch let error as ArtifactTypeError {
            throw .invalidType(text: text, reason: "\(error.problem) (column \(error.column)); expected \(error.expected)")
        } catch {
            throw .invalidType(text: text, reason: "\(error)")
        }
    }

    private static func date(_ bytes: UnsafeRawBufferPointer) throws(WireError) -> Date {
        guard bytes.count == 8 else {
            throw .malformedField(name: "created-at", reason: "is \(bytes.count) bytes, expected 8 (a binary64)")
        }
        let seconds = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)))
        guard seconds.isFinite else {
            throw .malformedField(name: "created-at", reason: "\(seconds) is not a finite time")
        }
        return Date(timeIntervalSinceReferenceDate: seconds)
    }

    /// The metadata field: a count, then length-prefixed key and value per entry.
    ///
    /// Keys are compared as Swift compares strings, by canonical equivalence: `"é"` (NFC) and
    /// `"e\u{301}"` (NFD) are one key. A frame carrying both is refused rather than one of its
    /// values silently dropped.
    private static func metadata(_ bytes: UnsafeRawBufferPointer, limits: WireLimits) throws(WireError) -> [String: String] {
        var cursor = WireByteCursor(bytes)
        let count = try cursor.varint("metadata count")
        guard count <= UInt64(limits.maxMetadataEntries) else {
            throw .tooManyMetadataEntries(count: count, limit: limits.maxMetadataEntries)
        }
        // Each entry takes at least two bytes (two zero lengths): a count the field cannot hold
        // is refused before the dictionary reserves room for it.
        guard count <= UInt64(cursor.remaining / 2) else {
            throw .malformedField(
                name: "metadata", reason: "claims \(count) entries but holds only \(cursor.remaining) bytes")
        }
        var metadata = [String: String](minimumCapacity: Int(count))
        for entry in 0..<Int(count) {
            let key = try entryString(&cursor, field: "metadata key", entry: entry, limits: limits)
            let value = try entryString(&cursor, field: "metadata value", entry: entry, limits: limits)
            if metadata.updateValue(value, forKey: key) != nil {
                throw .malformedField(
                    name: "metadata",
                    reason: "entry \(entry) repeats key \"\(key)\" (keys equal under Unicode canonical equivalence are one key)")
            }
        }
        guard cursor.isAtEnd else {
            throw .malformedField(name: "metadata", reason: "\(cursor.remaining) bytes follow the last entry")
        }
        return metadata
    }

    private static func entryString(
        _ cursor: inout WireByteCursor, field: String, entry: Int, limits: WireLimits
    ) throws(WireError) -> String {
        let length = try cursor.varint(field)
        guard length <= UInt64(limits.maxStringBytes) else {
            throw .stringTooLong(field: field, length: length, limit: limits.maxStringBytes)
        }
        guard length <= UInt64(cursor.remaining) else {
            throw .malformedField(
                name: field, reason: "entry \(entry): length \(length) runs past the end of the metadata (\(cursor.remaining) bytes left)")
        }
        guard let string = cursor.utf8String(Int(length)) else {
            throw .malformedField(name: field, reason: "entry \(entry) is not valid UTF-8")
        }
        return string
    }
}
