import Foundation
import Manifold
import ManifoldWire
import Testing

@Suite("Wire round trips")
struct WireRoundTripTests {
    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    static let moment = Date(timeIntervalSinceReferenceDate: 757_382_400.5)

    @Test("empty payload, empty metadata, absent origin and correlation id")
    func emptyEverything() throws {
        let artifact = Artifact(id: "e", type: .octetStream, createdAt: Self.moment)
        try roundTrip(artifact)
        let decoded = try WireDecoder().decodeArtifact(try WireEncoder().encode(artifact))
        #expect(decoded.payload.isEmpty && decoded.metadata.isEmpty)
        #expect(decoded.origin == nil && decoded.correlationID == nil)
    }

    @Test("an empty origin or correlation id stays empty, distinct from absent")
    func emptyOptionalStrings() throws {
        let artifact = Artifact(id: "", type: .plainText, createdAt: Self.moment, origin: "", correlationID: "")
        try roundTrip(artifact)
        let decoded = try WireDecoder().decodeArtifact(try WireEncoder().encode(artifact))
        #expect(decoded.origin == "" && decoded.correlationID == "")
        let absent = try WireEncoder().encode(Artifact(id: "", type: .plainText, createdAt: Self.moment))
        #expect(absent.count == (try WireEncoder().encode(artifact)).count - 4, "absent fields take no bytes")
    }

    @Test("a binary payload with every byte value")
    func everyByteValue() throws {
        let payload = Data((0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) })
        try roundTrip(Artifact(type: .octetStream, payload: payload, createdAt: Self.moment))
    }

    @Test("a 64 KiB payload, and strings long enough for multi-byte varint lengths")
    func largeValues() throws {
        var random = SplitMix64(seed: 64)
        let payload = Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &random) })
        let artifact = Artifact(
            id: ArtifactID(String(repeating: "i", count: 300)), type: .octetStream, payload: payload,
            metadata: ["long": String(repeating: "v", count: 70_000), String(repeating: "k", count: 128): "x"],
            createdAt: Self.moment, origin: String(repeating: "o", count: 16_384))
        try roundTrip(artifact)
        #expect(try WireEncoder().encode(artifact).count > 65_536 + 70_000 + 16_384)
    }

    @Test("Unicode keys and values keep their exact scalars: NFC é and NFD e+U+0301 are not normalised")
    func unicodeExactness() throws {
        let nfc = "\u{E9}"
        let nfd = "e\u{301}"
        try roundTrip(Artifact(type: .plainText, metadata: [nfc: nfd], createdAt: Self.moment, origin: nfd))
        try roundTrip(Artifact(type: .plainText, metadata: [nfd: nfc], createdAt: Self.moment, correlationID: nfc))

        let decoded = try WireDecoder().decodeArtifact(try WireEncoder().encode(Artifact(type: .plainText, metadata: [nfd: nfc])))
        let key = try #require(decoded.metadata.keys.first)
        #expect(Array(key.utf8) == [0x65, 0xCC, 0x81])
        #expect(Array(decoded.metadata[key]!.utf8) == [0xC3, 0xA9])

        let keys = ["ключ", "鍵", "🔑", "a\u{0}b", "tab\there", "\u{FEFF}bom", "Å", "A\u{30A}"]
        let metadata = Dictionary(keys.map { ($0, $0 + "!") }, uniquingKeysWith: { first, _ in first })
        try roundTrip(Artifact(type: .plainText, metadata: metadata, createdAt: Self.moment))
    }

    @Test("an artifact cannot hold both NFC and NFD é as keys: Swift's Dictionary treats them as one")
    func canonicalEquivalenceIsSwiftsRule() {
        // Why the wire refuses a frame carrying both (see WireDecoderErrorTests): the Artifact
        // type cannot represent it, and dropping one value silently would lose data.
        var metadata = ["\u{E9}": "nfc"]
        metadata["e\u{301}"] = "nfd"
        #expect(metadata.count == 1)
        #expect(metadata["\u{E9}"] == "nfd")
    }

    @Test("W3C trace context travels as ordinary metadata entries under the header names")
    func traceContext() throws {
        let artifact = Artifact(
            type: .chatMessage, payload: Data("{}".utf8),
            metadata: [WireTraceContext.traceparentKey: Self.traceparent, WireTraceContext.tracestateKey: "acme=00f067aa0ba902b7"],
            createdAt: Self.moment, origin: "planner", correlationID: "req-1")
        try roundTrip(artifact)
        let decoded = try WireDecoder().decodeArtifact(try WireEncoder().encode(artifact))
        #expect(decoded.metadata["traceparent"] == Self.traceparent)
        #expect(decoded.metadata["tracestate"] == "acme=00f067aa0ba902b7")
    }

    @Test("types with parameters and wildcards keep their canonical text")
    func types() throws {
        for text in ["text/plain;charset=utf-8", "application/vnd.acme+json", "text/*", "*/*",
                     "text/plain; q=\"a \\\"quoted\\\" value\"; B=\"é\"",
                     // A quote and a backslash that each form one Character with a combining mark.
                     "text/plain;q=\"\\\"\u{301}\";r=\"a\\\\\u{73C}\""] {
            try roundTrip(Artifact(type: try ArtifactType(parsing: text), createdAt: Self.moment))
        }
    }

    @Test("created-at keeps every bit: sub-microsecond times, the distant past and future, negative zero")
    func dates() throws {
        for seconds in [0, -0.0, 757_382_400.123_456_789, -1e-300, Date.distantPast.timeIntervalSinceReferenceDate,
                        Date.distantFuture.timeIntervalSinceReferenceDate, Double.greatestFiniteMagnitude] {
            try roundTrip(Artifact(type: .plainText, createdAt: Date(timeIntervalSinceReferenceDate: seconds)))
        }
        try roundTrip(Artifact(type: .plainText))
    }

    @Test("the annotated example in docs/wire.md is exactly what the encoder writes")
    func documentedExample() throws {
        let artifact = Artifact(
            id: "7f-1", type: .plainText, payload: Data("hi".utf8),
            metadata: [WireTraceContext.traceparentKey: Self.traceparent], createdAt: Self.moment, origin: "upper")
        let expected = """
            89 4d 46 57 01 01 6a 00 00 00 02 00 00 00 00 00
            00 00 01 04 37 66 2d 31 02 0a 74 65 78 74 2f 70
            6c 61 69 6e 03 08 00 00 40 80 5e 92 c6 41 04 05
            75 70 70 65 72 06 45 01 0b 74 72 61 63 65 70 61
            72 65 6e 74 37 30 30 2d 34 62 66 39 32 66 33 35
            37 37 62 33 34 64 61 36 61 33 63 65 39 32 39 64
            30 65 30 65 34 37 33 36 2d 30 30 66 30 36 37 61
            61 30 62 61 39 30 32 62 37 2d 30 31 68 69
            """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
        let bytes = try WireEncoder().encode(artifact)
        #expect(bytes == expected)

        // And an independent implementation of the documented layout writes the same bytes.
        var builder = FrameBuilder()
        builder.fields = [
            (1, Array("7f-1".utf8)), (2, Array("text/plain".utf8)), (3, FrameBuilder.float64(757_382_400.5)),
            (4, Array("upper".utf8)), (6, FrameBuilder.metadata([(Array("traceparent".utf8), Array(Self.traceparent.utf8))])),
        ]
        builder.body = Array("hi".utf8)
        #expect(builder.bytes == bytes)
    }

    @Test("encode(_:appendingTo:) appends frames that a reader splits again")
    func appending() throws {
        let first = Artifact(type: .plainText, payload: Data("one".utf8), createdAt: Self.moment)
        let second = Artifact(type: .json, payload: Data("[2]".utf8), metadata: ["k": "v"], createdAt: Self.moment)
        var buffer: [UInt8] = [0xAA]
        try WireEncoder().encode(first, appendingTo: &buffer)
        try WireEncoder().encode(second, appendingTo: &buffer)
        #expect(buffer == [0xAA] + (try WireEncoder().encode(first)) + (try WireEncoder().encode(second)))

        var reader = WireFrameReader()
        reader.append(buffer.dropFirst())
        #expect(try reader.nextArtifact().map(ExactArtifact.init) == ExactArtifact(first))
        #expect(try reader.nextArtifact().map(ExactArtifact.init) == ExactArtifact(second))
        #expect(try reader.nextArtifact() == nil)
    }

    @Test("frames of both kinds appended to one buffer are the bytes of each, back to back; a refused one appends nothing")
    func appendingFrames() throws {
        let artifact = WireFrame.artifact(Artifact(type: .plainText, payload: Data("one".utf8), createdAt: Self.moment))
        let control = WireFrame.control(kind: WireFrameKind(rawValue: 0xA3), header: Data([7]), body: Data())
        var buffer: [UInt8] = []
        for frame in [control, artifact, control] { try WireEncoder().encode(frame, appendingTo: &buffer) }
        let separately = try [control, artifact, control].flatMap { try WireEncoder().encode($0) }
        #expect(buffer == separately)
        let before = buffer
        #expect(throws: WireError.self) {
            try WireEncoder().encode(.control(kind: .artifact, header: Data(), body: Data()), appendingTo: &buffer)
        }
        #expect(buffer == before)
    }

    @Test("control frames round-trip with their sections uninterpreted")
    func controlFrames() throws {
        for kind: UInt8 in [0x02, 0x7F, 0x80, 0xFF] {
            let frame = WireFrame.control(kind: WireFrameKind(rawValue: kind), header: Data([1, 2, 3]), body: Data(repeating: kind, count: 5))
            let bytes = try WireEncoder().encode(frame)
            #expect(bytes.count == 18 + 3 + 5)
            #expect(try WireDecoder().decodeFrame(bytes) == frame)
            #expect(throws: WireError.unexpectedFrameKind(WireFrameKind(rawValue: kind))) {
                try WireDecoder().decodeArtifact(bytes)
            }
        }
        let empty = WireFrame.control(kind: WireFrameKind(rawValue: 0x03), header: Data(), body: Data())
        #expect(try WireDecoder().decodeFrame(try WireEncoder().encode(empty)) == empty)
    }

    @Test("500 random artifacts from a seeded generator round-trip exactly")
    func randomArtifacts() throws {
        var generator = ArtifactGenerator(seed: 0x5EED_0001)
        var sawParameters = false
        var sawLongString = false
        for index in 0..<500 {
            let artifact = generator.artifact()
            sawParameters = sawParameters || !artifact.type.parameters.isEmpty
            sawLongString = sawLongString || artifact.metadata.values.contains { $0.utf8.count >= 128 }
            let frame = try WireEncoder().encode(artifact)
            let decoded = try WireDecoder().decodeArtifact(frame)
            #expect(ExactArtifact(decoded) == ExactArtifact(artifact), "artifact \(index) of seed 0x5EED0001")
            // Deterministic for a given artifact value.
            #expect(try WireEncoder().encode(artifact) == frame)
        }
        #expect(sawParameters && sawLongString, "the generator must reach parameterised types and long strings")
    }
}
