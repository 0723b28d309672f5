import Foundation
import Manifold
import ManifoldWire
import Testing

@Suite("Wire frame reader")
struct WireFrameReaderTests {
    /// Four frames of different shapes, one a control frame, and their bytes end to end.
    static func stream() throws -> (frames: [WireFrame], bytes: [UInt8]) {
        // A random artifact small enough to cut the stream at every byte in well under a second.
        var generator = ArtifactGenerator(seed: 7)
        var random = generator.artifact()
        while try WireEncoder().encode(random).count > 1500 { random = generator.artifact() }
        let frames: [WireFrame] = [
            .artifact(Artifact(id: "first", type: .plainText, payload: Data("hello".utf8), metadata: ["é": "1"])),
            .control(kind: WireFrameKind(rawValue: 0x02), header: Data([9]), body: Data()),
            .artifact(Artifact(id: "", type: .octetStream)),
            .artifact(Artifact(
                type: .json, payload: Data((0..<700).map { UInt8($0 % 251) }), metadata: ["traceparent": "00-x", "b": "c"],
                origin: "n", correlationID: "c")),
            .artifact(random),
        ]
        let bytes = try frames.flatMap { try WireEncoder().encode($0) }
        return (frames, bytes)
    }

    /// Frames compared exactly (artifacts byte for byte).
    static func expectSame(_ got: [WireFrame], _ expected: [WireFrame], _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == expected.count, comment, sourceLocation: sourceLocation)
        for (got, expected) in zip(got, expected) {
            switch (got, expected) {
            case (.artifact(let got), .artifact(let expected)):
                #expect(ExactArtifact(got) == ExactArtifact(expected), comment, sourceLocation: sourceLocation)
            default:
                #expect(got == expected, comment, sourceLocation: sourceLocation)
            }
        }
    }

    static func drain(_ reader: inout WireFrameReader, into frames: inout [WireFrame]) throws {
        while let frame = try reader.next() { frames.append(frame) }
    }

    @Test("a stream cut in two at every byte boundary yields the same frames")
    func everyCut() throws {
        let (expected, bytes) = try Self.stream()
        for cut in 0...bytes.count {
            var reader = WireFrameReader()
            var frames: [WireFrame] = []
            reader.append(bytes[..<cut])
            try Self.drain(&reader, into: &frames)
            reader.append(bytes[cut...])
            try Self.drain(&reader, into: &frames)
            try reader.finish()
            Self.expectSame(frames, expected, "cut at \(cut)")
            #expect(reader.bufferedByteCount == 0)
        }
    }

    @Test("a stream fed one byte at a time, and in random chunks, yields the same frames")
    func randomChunks() throws {
        let (expected, bytes) = try Self.stream()
        var random = SplitMix64(seed: 0xC4C4)
        for round in 0..<200 {
            var reader = WireFrameReader()
            var frames: [WireFrame] = []
            var offset = 0
            while offset < bytes.count {
                let size = round == 0 ? 1 : Int.random(in: 1...max(1, bytes.count / Int.random(in: 1...40, using: &random)), using: &random)
                let end = min(bytes.count, offset + size)
                bytes[offset..<end].withUnsafeBytes { reader.append($0) }
                try Self.drain(&reader, into: &frames)
                offset = end
            }
            try reader.finish()
            Self.expectSame(frames, expected, "round \(round) of seed 0xC4C4")
        }
    }

    @Test("next() returns nil until a whole frame is there, then exactly that frame")
    func waitsForWholeFrames() throws {
        let frame = try WireEncoder().encode(Artifact(type: .plainText, payload: Data("x".utf8)))
        var reader = WireFrameReader()
        for byte in frame.dropLast() {
            reader.append([byte])
            #expect(try reader.next() == nil)
        }
        #expect(throws: WireError.truncated(needed: frame.count, available: frame.count - 1)) { try reader.finish() }
        reader.append([frame.last!])
        #expect(try reader.next()?.artifact?.text == "x")
        #expect(try reader.next() == nil)
        try reader.finish()
    }

    @Test("finish() reports a stream that ends inside a frame, wherever it ends")
    func truncatedStream() throws {
        let frame = try WireEncoder().encode(WireDecoderErrorTests.sample)
        for length in 1..<frame.count {
            var reader = WireFrameReader()
            reader.append(frame[..<length])
            #expect(try reader.next() == nil)
            #expect(throws: WireError.truncated(needed: length < 18 ? 18 : frame.count, available: length)) { try reader.finish() }
        }
        try WireFrameReader().finish()
    }

    @Test("a 2^60-byte claim is refused from the prefix alone, and the reader stays failed")
    func hugeClaimRefusedEarly() throws {
        var builder = FrameBuilder.minimal()
        builder.bodyLength = 1 << 60
        var reader = WireFrameReader()
        reader.append(builder.bytes[..<18])
        let refusal = WireError.frameTooLarge(section: .body, size: 1 << 60, limit: 64 << 20)
        #expect(throws: refusal) { try reader.next() }
        #expect(reader.bufferedByteCount == 18)
        reader.append(try WireEncoder().encode(Artifact(type: .plainText)))
        #expect(throws: refusal) { try reader.next() }
        #expect(throws: refusal) { try reader.finish() }
    }

    @Test("garbage is refused at its first byte, without waiting for a whole prefix")
    func garbageRefusedAtOnce() {
        var reader = WireFrameReader()
        reader.append(Array("{".utf8))
        #expect(throws: WireError.badMagic(found: [0x7B])) { try reader.next() }

        var versioned = WireFrameReader()
        versioned.append([0x89, 0x4D, 0x46, 0x57, 0x02])
        #expect(throws: WireError.unsupportedVersion(2, supported: 1...1)) { try versioned.next() }
    }

    @Test("a bad frame after good ones: the good ones are delivered, then the error")
    func goodThenBad() throws {
        var reader = WireFrameReader()
        reader.append(try WireEncoder().encode(Artifact(id: "ok", type: .plainText)))
        var bad = FrameBuilder.minimal(type: "no type")
        bad.body = [1]
        reader.append(bad.bytes)
        #expect(try reader.next()?.artifact?.id == "ok")
        let reason = "has no '/' after 'no' (column 3); expected type/subtype, e.g. no/plain or no/*"
        #expect(throws: WireError.invalidType(text: "no type", reason: reason)) {
            try reader.next()
        }
    }

    @Test("nextArtifact() skips control frames")
    func nextArtifactSkipsControl() throws {
        var reader = WireFrameReader()
        reader.append(try WireEncoder().encode(WireFrame.control(kind: WireFrameKind(rawValue: 0x04), header: Data(), body: Data())))
        reader.append(try WireEncoder().encode(Artifact(id: "after", type: .plainText)))
        #expect(try reader.nextArtifact()?.id == "after")
        #expect(try reader.nextArtifact() == nil)
    }

    @Test("a long stream of frames through one reader keeps the buffer small")
    func bufferStaysBounded() throws {
        let frame = try WireEncoder().encode(Artifact(type: .octetStream, payload: Data(count: 10_000)))
        var reader = WireFrameReader()
        var count = 0
        for _ in 0..<200 {
            reader.append(frame + frame.prefix(1234))
            reader.append(frame.dropFirst(1234))
            while try reader.next() != nil { count += 1 }
            #expect(reader.bufferedByteCount == 0)
        }
        #expect(count == 400)
    }
}
