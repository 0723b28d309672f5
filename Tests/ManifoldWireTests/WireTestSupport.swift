import Foundation
import Manifold
import ManifoldWire
import Testing

/// SplitMix64: a tiny deterministic PRNG, so every random test reproduces from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An artifact reduced to exact bytes and bits. `Artifact ==` compares strings by Unicode
/// canonical equivalence and dates as doubles (`-0.0 == 0.0`), which would hide a codec that
/// normalises or rounds; this does not.
struct ExactArtifact: Equatable, CustomStringConvertible {
    var id: [UInt8]
    var type: [UInt8]
    var metadata: [[UInt8]: [UInt8]]
    var payload: [UInt8]
    var createdAtBits: UInt64
    var origin: [UInt8]?
    var correlationID: [UInt8]?

    init(_ artifact: Artifact) {
        id = Array(artifact.id.rawValue.utf8)
        type = Array(artifact.type.description.utf8)
        metadata = Dictionary(uniqueKeysWithValues: artifact.metadata.map { (Array($0.key.utf8), Array($0.value.utf8)) })
        payload = Array(artifact.payload)
        createdAtBits = artifact.createdAt.timeIntervalSinceReferenceDate.bitPattern
        origin = artifact.origin.map { Array($0.utf8) }
        correlationID = artifact.correlationID.map { Array($0.utf8) }
    }

    var description: String {
        "ExactArtifact(id: \(id), type: \(String(decoding: type, as: UTF8.self)), metadata: \(metadata.count) entries, "
            + "payload: \(payload.count) bytes, createdAt: \(createdAtBits), origin: \(String(describing: origin)), "
            + "correlationID: \(String(describing: correlationID)))"
    }
}

/// Encodes, then decodes with both the one-shot decoder and the stream reader, and checks all
/// three agree byte for byte.
func roundTrip(_ artifact: Artifact, limits: WireLimits = .default, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let frame = try WireEncoder(limits: limits).encode(artifact)
    let decoded = try WireDecoder(limits: limits).decodeArtifact(frame)
    #expect(ExactArtifact(decoded) == ExactArtifact(artifact), sourceLocation: sourceLocation)
    #expect(decoded.payload.startIndex == 0, "payload must be indexed from 0", sourceLocation: sourceLocation)

    var reader = WireFrameReader(limits: limits)
    reader.append(frame)
    let streamed = try #require(try reader.nextArtifact(), sourceLocation: sourceLocation)
    #expect(ExactArtifact(streamed) == ExactArtifact(artifact), sourceLocation: sourceLocation)
    #expect(try reader.next() == nil, sourceLocation: sourceLocation)
    try reader.finish()
}

/// Builds frames byte by byte from the layout in docs/wire.md, independently of `WireEncoder`,
/// so tests can make the frames a correct encoder never writes.
struct FrameBuilder {
    var magic: [UInt8] = [0x89, 0x4D, 0x46, 0x57]
    var version: UInt8 = 1
    var kind: UInt8 = 1
    var fields: [(tag: UInt64, value: [UInt8])] = []
    /// Raw bytes after the fields, for header damage a field list cannot express.
    var rawHeaderSuffix: [UInt8] = []
    var body: [UInt8] = []
    var headerLength: UInt32?
    var bodyLength: UInt64?

    /// A valid artifact frame: id, type and created-at, nothing else.
    static func minimal(id: String = "a-1", type: String = "text/plain", seconds: Double = 1000) -> FrameBuilder {
        var builder = FrameBuilder()
        builder.fields = [(1, Array(id.utf8)), (2, Array(type.utf8)), (3, float64(seconds))]
        return builder
    }

    var header: [UInt8] {
        fields.flatMap { Self.varint($0.tag) + Self.varint(UInt64($0.value.count)) + $0.value } + rawHeaderSuffix
    }

    var bytes: [UInt8] {
        let header = self.header
        return magic + [version, kind] + littleEndian(headerLength ?? UInt32(header.count))
            + littleEndian(bodyLength ?? UInt64(body.count)) + header + body
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    static func float64(_ value: Double) -> [UInt8] {
        littleEndian(value.bitPattern)
    }

    /// A metadata field's value: count, then length-prefixed key and value per entry.
    static func metadata(_ entries: [([UInt8], [UInt8])], count: UInt64? = nil) -> [UInt8] {
        varint(count ?? UInt64(entries.count))
            + entries.flatMap { varint(UInt64($0.0.count)) + $0.0 + varint(UInt64($0.1.count)) + $0.1 }
    }
}

func littleEndian<Integer: FixedWidthInteger>(_ value: Integer) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// Draws random artifacts: odd Unicode (NUL, controls, combining marks, astral scalars),
/// parameterised types, nil and empty optionals, and payloads from empty to past 64 KiB.
struct ArtifactGenerator {
    var random: SplitMix64
    /// Whether payloads may run past 64 KiB (off for tests that only damage headers).
    var largePayloads = true

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &random)
    }

    mutating func scalar() -> Unicode.Scalar {
        let ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x00...0x1F, 0xA0...0xFF, 0x300...0x36F, 0x4E00...0x9FFF, 0xE000...0xF8FF, 0x1F300...0x1FAFF,
            0x10000...0x10FFFF,
        ]
        let range = ranges[int(0...ranges.count - 1)]
        return Unicode.Scalar(UInt32.random(in: range, using: &random)) ?? "?"
    }

    mutating func string(maxLength: Int = 24) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<int(0...maxLength) { scalars.append(scalar()) }
        // Now and then a long one, so lengths need multi-byte varints.
        if int(0...30) == 0 { scalars.append(contentsOf: String(repeating: "x", count: int(128...20_000)).unicodeScalars) }
        return String(scalars)
    }

    mutating func token() -> String {
        let characters = Array("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'+-.^_`|~")
        return String((0..<int(1...10)).map { _ in characters[int(0...characters.count - 1)] })
    }

    mutating func type() -> ArtifactType {
        let fixed: [ArtifactType] = [.plainText, .json, .chatMessage, .toolCall, .any, "text/*", "application/vnd.acme+json"]
        if int(0...2) == 0 { return fixed[int(0...fixed.count - 1)] }
        var text = "\(token())/\(token())"
        for index in 0..<int(0...3) {
            let value = string(maxLength: 8).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            text += ";p\(index)\(token())=\"\(value)\""
        }
        return (try? ArtifactType(parsing: text)) ?? .octetStream
    }

    mutating func date() -> Date {
        switch int(0...3) {
        case 0: return Date(timeIntervalSinceReferenceDate: Double(int(-2_000_000_000...4_000_000_000)) + Double(int(0...999_999)) / 1e6)
        case 1: return Date(timeIntervalSinceReferenceDate: Double.random(in: -1e12...1e12, using: &random))
        case 2:
            let bits = random.next()
            let seconds = Double(bitPattern: bits)
            return Date(timeIntervalSinceReferenceDate: seconds.isFinite ? seconds : 0)
        default: return [Date.distantPast, .distantFuture, Date(timeIntervalSinceReferenceDate: -0.0)][int(0...2)]
        }
    }

    mutating func payload() -> Data {
        let size: Int
        switch int(0...9) {
        case 0: size = 0
        case 1: size = largePayloads ? int(4096...70_000) : int(0...64)
        default: size = int(1...300)
        }
        return Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    mutating func artifact() -> Artifact {
        var metadata: [String: String] = [:]
        for _ in 0..<int(0...8) { metadata[string()] = string() }
        return Artifact(
            id: ArtifactID(string(maxLength: 40)), type: type(), payload: payload(), metadata: metadata, createdAt: date(),
            origin: int(0...2) == 0 ? nil : string(), correlationID: int(0...2) == 0 ? nil : string())
    }
}
