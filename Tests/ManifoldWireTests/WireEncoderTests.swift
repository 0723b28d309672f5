import Foundation
import Manifold
import ManifoldWire
import Testing

@Suite("Wire encoding")
struct WireEncoderTests {
    @Test("the prefix states the version, kind and the exact section lengths")
    func prefix() throws {
        let artifact = Artifact(type: .plainText, payload: Data(count: 300), metadata: ["k": "v"])
        let frame = try WireEncoder().encode(artifact)
        #expect(Array(frame[0..<4]) == [0x89, 0x4D, 0x46, 0x57])
        #expect(frame[4] == 1 && frame[5] == 1)
        let headerLength = frame[6..<10].reversed().reduce(0) { $0 << 8 | Int($1) }
        let bodyLength = frame[10..<18].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(bodyLength == 300)
        #expect(frame.count == 18 + headerLength + bodyLength)
    }

    @Test("the encoder refuses what a decoder with the same limits would refuse, naming the limit")
    func limits() {
        let small = WireLimits(maxBodyBytes: 4, maxHeaderBytes: 48, maxMetadataEntries: 1, maxStringBytes: 10)
        let encoder = WireEncoder(limits: small)
        let cases: [(Artifact, WireError)] = [
            (Artifact(id: "i", type: .plainText, payload: Data(count: 5)), .frameTooLarge(section: .body, size: 5, limit: 4)),
            (Artifact(id: "12345678901", type: .plainText), .stringTooLong(field: "id", length: 11, limit: 10)),
            (Artifact(id: "i", type: "application/json"), .stringTooLong(field: "type", length: 16, limit: 10)),
            (Artifact(id: "i", type: .plainText, origin: "12345678901"), .stringTooLong(field: "origin", length: 11, limit: 10)),
            (Artifact(id: "i", type: .plainText, correlationID: "12345678901"), .stringTooLong(field: "correlation-id", length: 11, limit: 10)),
            (Artifact(id: "i", type: .plainText, metadata: ["a": "", "b": ""]), .tooManyMetadataEntries(count: 2, limit: 1)),
            (Artifact(id: "i", type: .plainText, metadata: ["12345678901": ""]), .stringTooLong(field: "metadata key", length: 11, limit: 10)),
            (Artifact(id: "i", type: .plainText, metadata: ["k": "12345678901"]), .stringTooLong(field: "metadata value", length: 11, limit: 10)),
            (Artifact(id: "1234567890", type: .plainText, metadata: ["k": "v"], origin: "1234567890"),
             .frameTooLarge(section: .header, size: 53, limit: 48)),
        ]
        for (artifact, error) in cases {
            #expect(throws: error) { try encoder.encode(artifact) }
        }
        #expect(throws: Never.self) { try encoder.encode(Artifact(id: "1234567890", type: .plainText, payload: Data(count: 4))) }
    }

    @Test("a failed append leaves the buffer as it was")
    func failedAppend() throws {
        var buffer: [UInt8] = [1, 2, 3]
        #expect(throws: WireError.self) {
            try WireEncoder(limits: WireLimits(maxBodyBytes: 0)).encode(Artifact(type: .plainText, payload: Data([1])), appendingTo: &buffer)
        }
        #expect(buffer == [1, 2, 3])
    }

    @Test("a non-finite created-at is refused, since it could not be compared after decoding")
    func nonFiniteDate() {
        for seconds in [Double.nan, .infinity, -.infinity] {
            let artifact = Artifact(type: .plainText, createdAt: Date(timeIntervalSinceReferenceDate: seconds))
            guard case .malformedField("created-at", _)? = Self.error(of: artifact) else {
                Issue.record("created-at \(seconds) was not refused")
                continue
            }
        }
    }

    @Test("control frames cannot use kind 0 or the artifact kind, and obey the limits")
    func controlKinds() {
        for kind: UInt8 in [0, 1] {
            #expect(throws: WireError.self) {
                try WireEncoder().encode(WireFrame.control(kind: WireFrameKind(rawValue: kind), header: Data(), body: Data()))
            }
        }
        let limited = WireEncoder(limits: WireLimits(maxBodyBytes: 2, maxHeaderBytes: 2))
        #expect(throws: WireError.frameTooLarge(section: .header, size: 3, limit: 2)) {
            try limited.encode(WireFrame.control(kind: WireFrameKind(rawValue: 2), header: Data(count: 3), body: Data()))
        }
        #expect(throws: WireError.frameTooLarge(section: .body, size: 3, limit: 2)) {
            try limited.encode(WireFrame.control(kind: WireFrameKind(rawValue: 2), header: Data(), body: Data(count: 3)))
        }
    }

    @Test("frame kinds and errors describe themselves")
    func descriptions() {
        #expect(WireFrameKind.artifact.description == "artifact")
        #expect(WireFrameKind(rawValue: 0x2A).description == "control(0x2A)")
        #expect(WireError.frameTooLarge(section: .body, size: 9, limit: 4).description.contains("maxBodyBytes"))
        #expect(WireError.badMagic(found: [0x7B]).description.contains("7B"))
        #expect(WireError.unsupportedVersion(2, supported: 1...1).description.contains("version 2"))
    }

    static func error(of artifact: Artifact) -> WireError? {
        do {
            _ = try WireEncoder().encode(artifact)
            return nil
        } catch {
            return error
        }
    }
}
