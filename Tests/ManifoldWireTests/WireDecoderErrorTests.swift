import Foundation
import Manifold
import ManifoldWire
import Testing

/// The error decoding `bytes` throws, or `nil` when it decodes.
func decodingError(_ bytes: [UInt8], limits: WireLimits = .default) -> WireError? {
    do {
        _ = try WireDecoder(limits: limits).decodeFrame(bytes)
        return nil
    } catch {
        return error
    }
}

/// The field a `malformedField` error names, or `nil` for any other outcome.
func malformedFieldName(_ bytes: [UInt8], limits: WireLimits = .default) -> String? {
    if case .malformedField(let name, _) = decodingError(bytes, limits: limits) { return name }
    return nil
}

@Suite("Wire decoding refuses bad input")
struct WireDecoderErrorTests {
    static let sample = Artifact(
        id: "s-1", type: .chatMessage, payload: Data("{\"role\":\"user\"}".utf8),
        metadata: ["k": "v", "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
        createdAt: Date(timeIntervalSinceReferenceDate: 1), origin: "o", correlationID: "c")

    @Test("the builder's minimal frame decodes, so each bad path below differs from a good frame by its one defect")
    func baseline() throws {
        let artifact = try WireDecoder().decodeArtifact(FrameBuilder.minimal().bytes)
        #expect(artifact.id == "a-1" && artifact.type == .plainText && artifact.createdAt.timeIntervalSinceReferenceDate == 1000)
    }

    @Test("a frame cut at every length is refused as truncated, naming the bytes needed")
    func truncatedAtEveryLength() throws {
        let frame = try WireEncoder().encode(Self.sample)
        for length in 0..<frame.count {
            let needed = length < 18 ? 18 : frame.count
            #expect(decodingError(Array(frame[..<length])) == .truncated(needed: needed, available: length), "cut at \(length)")
        }
        #expect(decodingError(frame) == nil)
    }

    @Test("bytes after the frame are refused by the one-shot decoder")
    func trailingBytes() throws {
        #expect(malformedFieldName(try WireEncoder().encode(Self.sample) + [0]) == "frame")
    }

    @Test("bad magic is refused at its first wrong byte")
    func badMagic() {
        #expect(decodingError(Array("{\"json\": 1}".utf8)) == .badMagic(found: Array("{\"js".utf8)))
        #expect(decodingError([0x89, 0x4D]) == .truncated(needed: 18, available: 2), "a correct start is only truncated")
        #expect(decodingError([0x89, 0x4D, 0x46, 0x58]) == .badMagic(found: [0x89, 0x4D, 0x46, 0x58]))
        var builder = FrameBuilder.minimal()
        builder.magic = [0x89, 0x4D, 0x46, 0x77]
        #expect(decodingError(builder.bytes) == .badMagic(found: [0x89, 0x4D, 0x46, 0x77]))
    }

    @Test("versions other than 1 are refused, naming the supported range")
    func unsupportedVersion() {
        for version: UInt8 in [0, 2, 0xFF] {
            var builder = FrameBuilder.minimal()
            builder.version = version
            #expect(decodingError(builder.bytes) == .unsupportedVersion(version, supported: 1...1))
            #expect(decodingError(Array(builder.bytes[..<5])) == .unsupportedVersion(version, supported: 1...1))
        }
    }

    @Test("kind 0 is refused")
    func kindZero() {
        var builder = FrameBuilder.minimal()
        builder.kind = 0
        #expect(malformedFieldName(builder.bytes) == "kind")
    }

    @Test("a prefix claiming a 2^60-byte body is refused from its 18 bytes alone, before any allocation")
    func hugeBodyClaim() {
        var builder = FrameBuilder.minimal()
        builder.bodyLength = 1 << 60
        let prefixOnly = Array(builder.bytes[..<18])
        let clock = ContinuousClock()
        let started = clock.now
        #expect(decodingError(prefixOnly) == .frameTooLarge(section: .body, size: 1 << 60, limit: 64 << 20))
        #expect(decodingError(builder.bytes) == .frameTooLarge(section: .body, size: 1 << 60, limit: 64 << 20))
        builder.bodyLength = UInt64.max
        #expect(decodingError(builder.bytes) == .frameTooLarge(section: .body, size: .max, limit: 64 << 20))
        // An allocation of the claimed size would crash, not slow down: the bound only catches a
        // decoder that reads on, and is far above what a loaded machine adds.
        #expect(clock.now - started < .seconds(10))
    }

    @Test("even with limits at Int.max, the largest claims are refused or reported, never overflow")
    func unlimitedLimits() {
        let unlimited = WireLimits(maxBodyBytes: .max, maxHeaderBytes: .max, maxMetadataEntries: .max, maxStringBytes: .max)
        var builder = FrameBuilder.minimal()
        builder.headerLength = .max
        builder.bodyLength = .max
        let prefix = Array(builder.bytes[..<18])
        #expect(decodingError(prefix, limits: unlimited) == .frameTooLarge(section: .body, size: .max, limit: Int.max >> 1))
        builder.bodyLength = UInt64(Int.max >> 1)
        #expect(decodingError(Array(builder.bytes[..<18]), limits: unlimited)
            == .truncated(needed: 18 + Int(UInt32.max) + (Int.max >> 1), available: 18))
        var entries = FrameBuilder.minimal()
        entries.fields.append((6, FrameBuilder.varint(.max)))
        #expect(decodingError(entries.bytes, limits: unlimited) == .tooManyMetadataEntries(count: .max, limit: .max))
        entries.fields[3] = (6, FrameBuilder.varint(UInt64(Int.max)))
        #expect(malformedFieldName(entries.bytes, limits: unlimited) == "metadata")
    }

    @Test("each limit is enforced: body, header, metadata entries, string length")
    func limits() {
        let small = WireLimits(maxBodyBytes: 4, maxHeaderBytes: 64, maxMetadataEntries: 2, maxStringBytes: 10)

        var body = FrameBuilder.minimal()
        body.body = [1, 2, 3, 4]
        #expect(decodingError(body.bytes, limits: small) == nil)
        body.body = [1, 2, 3, 4, 5]
        #expect(decodingError(body.bytes, limits: small) == .frameTooLarge(section: .body, size: 5, limit: 4))

        var header = FrameBuilder.minimal()
        header.fields.append((99, [UInt8](repeating: 0, count: 64 - header.header.count - 2)))
        #expect(header.header.count == 64)
        #expect(decodingError(header.bytes, limits: small) == nil)
        header.fields.append((98, []))
        #expect(decodingError(header.bytes, limits: small) == .frameTooLarge(section: .header, size: 66, limit: 64))
        header.headerLength = .max
        #expect(decodingError(Array(header.bytes[..<10])) == .frameTooLarge(section: .header, size: UInt64(UInt32.max), limit: 4 << 20))

        var entries = FrameBuilder.minimal()
        entries.fields.append((6, FrameBuilder.metadata([([0x61], []), ([0x62], [])])))
        #expect(decodingError(entries.bytes, limits: small) == nil)
        entries.fields[3] = (6, FrameBuilder.metadata([([0x61], []), ([0x62], []), ([0x63], [])]))
        #expect(decodingError(entries.bytes, limits: small) == .tooManyMetadataEntries(count: 3, limit: 2))

        let eleven = [UInt8](repeating: 0x69, count: 11)
        var id = FrameBuilder.minimal(id: "1234567890")
        #expect(decodingError(id.bytes, limits: small) == nil)
        id.fields[0] = (1, eleven)
        #expect(decodingError(id.bytes, limits: small) == .stringTooLong(field: "id", length: 11, limit: 10))
        var key = FrameBuilder.minimal()
        key.fields.append((6, FrameBuilder.metadata([(eleven, [])])))
        #expect(decodingError(key.bytes, limits: small) == .stringTooLong(field: "metadata key", length: 11, limit: 10))
        var value = FrameBuilder.minimal()
        value.fields.append((6, FrameBuilder.metadata([([0x6B], eleven)])))
        #expect(decodingError(value.bytes, limits: small) == .stringTooLong(field: "metadata value", length: 11, limit: 10))
    }

    @Test("claimed counts and lengths far beyond the field are refused before anything is reserved")
    func hugeClaimsInsideTheHeader() {
        var count = FrameBuilder.minimal()
        count.fields.append((6, FrameBuilder.varint(1 << 40)))
        #expect(decodingError(count.bytes) == .tooManyMetadataEntries(count: 1 << 40, limit: 4096))

        // Within the entry limit, but the field holds 2 bytes: no room is reserved for 4000 entries.
        var roomless = FrameBuilder.minimal()
        roomless.fields.append((6, FrameBuilder.varint(4000) + [0, 0]))
        #expect(malformedFieldName(roomless.bytes) == "metadata")

        var keyLength = FrameBuilder.minimal()
        keyLength.fields.append((6, FrameBuilder.varint(1) + FrameBuilder.varint(1 << 50) + [0x61]))
        #expect(decodingError(keyLength.bytes) == .stringTooLong(field: "metadata key", length: 1 << 50, limit: 1 << 20))

        var overrun = FrameBuilder.minimal()
        overrun.fields.append((6, FrameBuilder.varint(1) + FrameBuilder.varint(5) + [0x61]))
        #expect(malformedFieldName(overrun.bytes) == "metadata key")

        // A field whose length runs past the header.
        var field = FrameBuilder.minimal()
        field.rawHeaderSuffix = [0x04, 0x7F]  // read as header: tag 4, length 127, nothing after
        #expect(malformedFieldName(field.bytes) == "header field 4")
    }

    @Test("unknown header tags are skipped, wherever they are and however large their tag")
    func unknownTagsSkipped() throws {
        let known = try WireDecoder().decodeArtifact(FrameBuilder.minimal().bytes)
        var builder = FrameBuilder.minimal()
        builder.fields.insert((7, [1, 2, 3]), at: 0)
        builder.fields.insert((300, Array("from the future".utf8)), at: 2)
        builder.fields.append((UInt64.max, []))
        builder.fields.append((64, [UInt8](repeating: 0xFF, count: 200)))  // not UTF-8, not looked at
        #expect(FrameBuilder.varint(UInt64.max).count == 10)
        let decoded = try WireDecoder().decodeArtifact(builder.bytes)
        #expect(ExactArtifact(decoded) == ExactArtifact(known))
    }

    @Test("structural defects: tag 0, repeated or missing fields, bad created-at, non-minimal or overlong varints")
    func structuralDefects() {
        var tagZero = FrameBuilder.minimal()
        tagZero.fields.append((0, []))
        #expect(malformedFieldName(tagZero.bytes) == "header")

        for (index, name) in ["id", "type", "created-at"].enumerated() {
            var twice = FrameBuilder.minimal()
            twice.fields.append(twice.fields[index])
            #expect(malformedFieldName(twice.bytes) == name)
            var missing = FrameBuilder.minimal()
            missing.fields.remove(at: index)
            #expect(malformedFieldName(missing.bytes) == name)
        }
        for (tag, name) in [(UInt64(4), "origin"), (5, "correlation-id"), (6, "metadata")] {
            var twice = FrameBuilder.minimal()
            let value: [UInt8] = tag == 6 ? [0] : [0x61]
            twice.fields += [(tag, value), (tag, value)]
            #expect(malformedFieldName(twice.bytes) == name)
        }

        for bad in [[UInt8](repeating: 0, count: 7), [UInt8](repeating: 0, count: 9), FrameBuilder.float64(.nan),
                    FrameBuilder.float64(.infinity), FrameBuilder.float64(-.infinity)] {
            var date = FrameBuilder.minimal()
            date.fields[2] = (3, bad)
            #expect(malformedFieldName(date.bytes) == "created-at")
        }

        // Tag 1 written as 0x81 0x00: the same number in two bytes.
        var longTag = FrameBuilder.minimal()
        longTag.rawHeaderSuffix = [0x81, 0x00, 0x00]
        #expect(malformedFieldName(longTag.bytes) == "header field tag")
        // Eleven bytes, and ten whose last carries bits past 64.
        var overlong = FrameBuilder.minimal()
        overlong.rawHeaderSuffix = [UInt8](repeating: 0xFF, count: 10) + [0x01]
        #expect(malformedFieldName(overlong.bytes) == "header field tag")
        var tooWide = FrameBuilder.minimal()
        tooWide.rawHeaderSuffix = [UInt8](repeating: 0x80, count: 9) + [0x02, 0x00]
        #expect(malformedFieldName(tooWide.bytes) == "header field tag")
        // A varint cut by the end of the header.
        var cut = FrameBuilder.minimal()
        cut.rawHeaderSuffix = [0x80]
        #expect(malformedFieldName(cut.bytes) == "header field tag")

        var metadataTail = FrameBuilder.minimal()
        metadataTail.fields.append((6, FrameBuilder.metadata([([0x61], [0x62])]) + [0x00]))
        #expect(malformedFieldName(metadataTail.bytes) == "metadata")
    }

    @Test("a malformed type string is refused with invalidType")
    func malformedType() {
        for text in ["not a type", "text/", "/plain", "*/plain", "", "text/plain;", "text/plain;charset"] {
            guard case .invalidType(let got, _) = decodingError(FrameBuilder.minimal(type: text).bytes) else {
                Issue.record("type \"\(text)\" was not refused as invalidType")
                continue
            }
            #expect(got == text)
        }
    }

    @Test("invalid UTF-8 in any string is refused, never replaced")
    func invalidUTF8() {
        let invalid: [[UInt8]] = [
            [0xFF], [0xC3], [0xC0, 0xAF],  // stray byte, cut sequence, overlong '/'
            [0xED, 0xA0, 0x80],  // a UTF-16 surrogate
            [0x41, 0xF0, 0x9F, 0x98, 0x42],  // a cut 4-byte sequence: repair would keep the length
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
        ]
        for bytes in invalid {
            for (index, name) in [(0, "id"), (1, "type")] {
                var builder = FrameBuilder.minimal()
                builder.fields[index].value = bytes
                #expect(malformedFieldName(builder.bytes) == name, "\(bytes) as \(name)")
            }
            for (tag, name) in [(UInt64(4), "origin"), (5, "correlation-id")] {
                var builder = FrameBuilder.minimal()
                builder.fields.append((tag, bytes))
                #expect(malformedFieldName(builder.bytes) == name, "\(bytes) as \(name)")
            }
            var key = FrameBuilder.minimal()
            key.fields.append((6, FrameBuilder.metadata([(bytes, [0x76])])))
            #expect(malformedFieldName(key.bytes) == "metadata key", "\(bytes) as a key")
            var value = FrameBuilder.minimal()
            value.fields.append((6, FrameBuilder.metadata([([0x6B], bytes)])))
            #expect(malformedFieldName(value.bytes) == "metadata value", "\(bytes) as a value")
        }
    }

    @Test("a frame with byte-distinct but canonically equal keys (NFC é, NFD e+U+0301) is refused, not collapsed")
    func canonicallyEqualKeys() throws {
        let nfc: [UInt8] = [0xC3, 0xA9]
        let nfd: [UInt8] = [0x65, 0xCC, 0x81]
        var builder = FrameBuilder.minimal()
        builder.fields.append((6, FrameBuilder.metadata([(nfc, Array("one".utf8)), (nfd, Array("two".utf8))])))
        guard case .malformedField("metadata", let reason) = decodingError(builder.bytes) else {
            Issue.record("expected the duplicate key to be refused")
            return
        }
        #expect(reason.contains("canonical"))
        var identical = FrameBuilder.minimal()
        identical.fields.append((6, FrameBuilder.metadata([(nfc, []), (nfc, [])])))
        #expect(malformedFieldName(identical.bytes) == "metadata")
        // Each alone is fine and keeps its bytes.
        var alone = FrameBuilder.minimal()
        alone.fields.append((6, FrameBuilder.metadata([(nfd, nfc)])))
        let metadata = try WireDecoder().decodeArtifact(alone.bytes).metadata
        #expect(metadata.map { Array($0.key.utf8) } == [nfd])
    }

    @Test("thousands of randomly damaged frames never crash the decoder or the reader")
    func randomDamage() throws {
        var random = SplitMix64(seed: 0xDA3A6E)
        var generator = ArtifactGenerator(seed: 0xDA3A6E)
        generator.largePayloads = false  // the damage that matters is in the prefix and header
        var refused = 0
        for _ in 0..<3000 {
            var frame = try WireEncoder().encode(generator.artifact())
            switch Int.random(in: 0...2, using: &random) {
            case 0:  // flip up to three bytes, mostly in the prefix and header
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let index = Int.random(in: 0..<min(frame.count, 96), using: &random)
                    frame[index] ^= UInt8.random(in: 1...255, using: &random)
                }
            case 1:  // cut it
                frame.removeLast(Int.random(in: 1...frame.count, using: &random))
            default:  // insert a random byte
                frame.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...min(frame.count, 96), using: &random))
            }
            if decodingError(frame) != nil { refused += 1 }
            var reader = WireFrameReader()
            reader.append(frame)
            _ = try? reader.next()
        }
        #expect(refused > 2000, "most damage must be caught (\(refused) of 3000 refused)")
    }
}
