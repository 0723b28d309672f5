import Foundation
import Manifold

/// The sizes of one artifact's frame, computed (and checked against the limits) before any
/// byte is written, so the encoder allocates the exact frame once and writes it in one pass.
struct ArtifactFrameLayout {
    /// The type's text when it has parameters; `nil` for the common `type/subtype`, which is
    /// written from its two parts without building a string.
    private let typeText: String?
    private let typeLength: Int
    private let metadataLength: Int
    let headerLength: Int
    let bodyLength: Int

    /// Every byte of the frame, prefix included.
    var frameSize: Int { WireFormat.prefixSize + headerLength + bodyLength }

    init(_ artifact: Artifact, limits: WireLimits) throws(WireError) {
        let type = artifact.type
        if type.parameters.isEmpty {
            typeText = nil
            typeLength = type.type.utf8.count + 1 + type.subtype.utf8.count
        } else {
            let text = type.description
            typeText = text
            typeLength = text.utf8.count
        }
        guard artifact.createdAt.timeIntervalSinceReferenceDate.isFinite else {
            throw .malformedField(name: "created-at", reason: "\(artifact.createdAt.timeIntervalSinceReferenceDate) is not a finite time")
        }

        var header = try Self.stringField("id", artifact.id.rawValue.utf8.count, limits)
        header += try Self.stringField("type", typeLength, limits)
        header += Self.fieldSize(valueLength: 8)
        if let origin = artifact.origin {
            header += try Self.stringField("origin", origin.utf8.count, limits)
        }
        if let correlationID = artifact.correlationID {
            header += try Self.stringField("correlation-id", correlationID.utf8.count, limits)
        }

        let metadata = artifact.metadata
        if metadata.isEmpty {
            metadataLength = 0
        } else {
            guard metadata.count <= limits.maxMetadataEntries else {
                throw .tooManyMetadataEntries(count: UInt64(metadata.count), limit: limits.maxMetadataEntries)
            }
            var length = WireVarint.size(UInt64(metadata.count))
            for (key, value) in metadata {
                length += try Self.stringSize("metadata key", key.utf8.count, limits)
                length += try Self.stringSize("metadata value", value.utf8.count, limits)
            }
            metadataLength = length
            header += Self.fieldSize(valueLength: length)
        }

        guard header <= limits.effectiveMaxHeaderBytes else {
            throw .frameTooLarge(section: .header, size: UInt64(header), limit: limits.effectiveMaxHeaderBytes)
        }
        guard artifact.payload.count <= limits.effectiveMaxBodyBytes else {
            throw .frameTooLarge(section: .body, size: UInt64(artifact.payload.count), limit: limits.effectiveMaxBodyBytes)
        }
        headerLength = header
        bodyLength = artifact.payload.count
    }

    /// Writes the frame of `artifact` (the one this layout was made from) at `base`, which
    /// must have `frameSize` writable bytes.
    func write(_ artifact: Artifact, to base: UnsafeMutableRawPointer) {
        var writer = WireByteWriter(base)
        writer.prefix(kind: .artifact, headerLength: headerLength, bodyLength: bodyLength)

        // Fields in tag order; readers accept any order.
        writer.byte(UInt8(WireFieldTag.id))
        writer.lengthPrefixed(artifact.id.rawValue)

        writer.byte(UInt8(WireFieldTag.type))
        writer.varint(UInt64(typeLength))
        if let typeText {
            writer.utf8(typeText)
        } else {
            writer.utf8(artifact.type.type)
            writer.byte(UInt8(ascii: "/"))
            writer.utf8(artifact.type.subtype)
        }

        writer.byte(UInt8(WireFieldTag.createdAt))
        writer.varint(8)
        writer.uint64(artifact.createdAt.timeIntervalSinceReferenceDate.bitPattern)

        if let origin = artifact.origin {
            writer.byte(UInt8(WireFieldTag.origin))
            writer.lengthPrefixed(origin)
        }
        if let correlationID = artifact.correlationID {
            writer.byte(UInt8(WireFieldTag.correlationID))
            writer.lengthPrefixed(correlationID)
        }
        if metadataLength > 0 {
            writer.byte(UInt8(WireFieldTag.metadata))
            writer.varint(UInt64(metadataLength))
            writer.varint(UInt64(artifact.metadata.count))
            // Same dictionary, unmodified since `init`: the same iteration order, so the same sizes.
            for (key, value) in artifact.metadata {
                writer.lengthPrefixed(key)
                writer.lengthPrefixed(value)
            }
        }

        artifact.payload.withUnsafeBytes { writer.bytes($0) }
        assert(writer.offset == frameSize, "artifact frame layout and writer disagree")
    }

    /// Size of a field whose tag takes one byte.
    private static func fieldSize(valueLength: Int) -> Int {
        1 + WireVarint.size(UInt64(valueLength)) + valueLength
    }

    private static func stringField(_ field: String, _ length: Int, _ limits: WireLimits) throws(WireError) -> Int {
        1 + (try stringSize(field, length, limits))
    }

    /// A length-prefixed string's size, after checking its length against the limit.
    private static func stringSize(_ field: String, _ length: Int, _ limits: WireLimits) throws(WireError) -> Int {
        guard length <= limits.maxStringBytes else {
            throw .stringTooLong(field: field, length: UInt64(length), limit: limits.maxStringBytes)
        }
        return WireVarint.size(UInt64(length)) + length
    }
}
