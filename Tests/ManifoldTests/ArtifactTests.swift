import Foundation
import Manifold
import Testing

@Suite("Artifact")
struct ArtifactTests {
    struct Order: Codable, Equatable {
        struct Customer: Codable, Equatable {
            var name: String
            var email: String
        }

        var id: Int
        var customer: Customer
        var items: [String]
    }

    @Test("text() stores UTF-8 and keeps type, metadata, origin and correlation id")
    func textConstructor() {
        let artifact = Artifact.text(
            "héllo ✓", type: parseType("text/markdown"), metadata: ["k": "v"], origin: "writer", correlationID: "req-7")
        #expect(artifact.type == parseType("text/markdown"))
        #expect(artifact.payload == Data("héllo ✓".utf8))
        #expect(artifact.text == "héllo ✓")
        #expect(artifact.metadata == ["k": "v"])
        #expect(artifact.origin == "writer")
        #expect(artifact.correlationID == "req-7")
        #expect(Artifact.text("x").type == .plainText)
    }

    @Test("each artifact gets its own id, encoded as a bare string")
    func ids() throws {
        let first = Artifact.text("a")
        let second = Artifact.text("a")
        #expect(first.id != second.id)
        #expect(String(decoding: try JSONEncoder().encode(ArtifactID("abc")), as: UTF8.self) == "\"abc\"")
        #expect(try JSONDecoder().decode(ArtifactID.self, from: Data("\"xyz\"".utf8)) == "xyz")
    }

    @Test("invalid UTF-8 in a payload reads as replacement characters, never a crash")
    func invalidUTF8() {
        let artifact = Artifact(type: .plainText, payload: Data([0x61, 0xFF, 0x62]))
        #expect(artifact.text == "a\u{FFFD}b")
    }

    @Test("json() encodes with sorted keys and decode() gives the value back")
    func jsonRoundTrip() throws {
        let order = Order(id: 7, customer: .init(name: "Ada", email: "ada@example.com"), items: ["a/b", "c"])
        let artifact = try Artifact.json(order, correlationID: "c-1")
        #expect(artifact.type == .json)
        #expect(artifact.correlationID == "c-1")
        #expect(artifact.text == #"{"customer":{"email":"ada@example.com","name":"Ada"},"id":7,"items":["a/b","c"]}"#)
        #expect(try artifact.decode(Order.self) == order)
    }

    @Test("decode() accepts a +json subtype when expecting application/json")
    func decodeSuffixType() throws {
        let artifact = try Artifact.json(["a": 1], type: parseType("application/vnd.acme.order+json"))
        #expect(try artifact.decode([String: Int].self) == ["a": 1])
        #expect(try artifact.decode([String: Int].self, expecting: [parseType("application/*")]) == ["a": 1])
    }

    @Test("decoding an artifact of the wrong type fails with typeMismatch naming both types")
    func decodeWrongType() throws {
        let artifact = Artifact.text(#"{"a":1}"#)
        let error = #expect(throws: ArtifactPayloadError.self) {
            try artifact.decode([String: Int].self, expecting: [.json, .chatMessage])
        }
        #expect(error == .typeMismatch(artifact: artifact.id, actual: .plainText, expected: [.json, .chatMessage]))
        expectDescription(error, contains: "\(artifact.id)", "is of type text/plain", "expects {application/json, chat/message}")
    }

    @Test("a missing nested key fails with decodingFailed naming the key and its path")
    func decodeMissingKey() throws {
        let artifact = Artifact(type: .json, payload: Data(#"{"id":1,"customer":{"name":"Ada"},"items":[]}"#.utf8))
        let error = #expect(throws: ArtifactPayloadError.self) { try artifact.decode(Order.self) }
        guard case .decodingFailed(let id, let type, let valueType, let reason)? = error else {
            Issue.record("expected decodingFailed, got \(String(describing: error))")
            return
        }
        #expect(id == artifact.id)
        #expect(type == .json)
        #expect(valueType == "Order")
        #expect(reason == "missing key 'email' at $.customer")
        expectDescription(error, contains: "does not decode as Order", "missing key 'email' at $.customer")
    }

    @Test("a wrongly typed array element names its index in the path")
    func decodeTypeMismatchPath() throws {
        let artifact = Artifact(type: .json, payload: Data(#"{"id":1,"customer":{"name":"A","email":"e"},"items":["a",2]}"#.utf8))
        let error = #expect(throws: ArtifactPayloadError.self) { try artifact.decode(Order.self) }
        expectDescription(error, contains: "at $.items[1]")
    }

    @Test("bytes that are not JSON fail with decodingFailed, not a crash")
    func decodeGarbage() throws {
        let artifact = Artifact(type: .json, payload: Data("{not json".utf8))
        let error = #expect(throws: ArtifactPayloadError.self) { try artifact.decode(Order.self) }
        guard case .decodingFailed? = error else {
            Issue.record("expected decodingFailed, got \(String(describing: error))")
            return
        }
        expectDescription(error, contains: "(application/json) does not decode as Order")
    }

    @Test("a value JSON cannot encode fails with encodingFailed naming the value type")
    func encodeFailure() throws {
        struct Reading: Encodable { var value: Double }
        let error = #expect(throws: ArtifactPayloadError.self) {
            try Artifact.json(Reading(value: .nan), type: parseType("application/vnd.reading+json"))
        }
        guard case .encodingFailed(let type, let valueType, _)? = error else {
            Issue.record("expected encodingFailed, got \(String(describing: error))")
            return
        }
        #expect(type == parseType("application/vnd.reading+json"))
        #expect(valueType == "Reading")
        expectDescription(error, contains: "cannot encode Reading as a application/vnd.reading+json payload")
    }

    @Test("fan-out through a hub shares the payload bytes instead of copying them")
    func fanOutSharesPayload() async throws {
        let hub = Hub()
        let first = try hub.subscribe("blobs", name: "first")
        let second = try hub.subscribe("blobs", name: "second")
        let payload = Data((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let original = Artifact(type: .octetStream, payload: payload)
        let report = try await hub.publish(original, to: parseTopic("blobs"))
        #expect(report.delivered == 2)

        var firstInbox = Inbox(first)
        var secondInbox = Inbox(second)
        let received = try await firstInbox.take(1) + secondInbox.take(1)
        try #require(received.count == 2)
        let addresses = ([original] + received).map { artifact in
            artifact.payload.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        }
        #expect(addresses[0] != 0)
        #expect(Set(addresses).count == 1, "payload storage was copied: \(addresses)")
        #expect(received.allSatisfy { $0.payload == payload && $0.id == original.id })
    }

    @Test("new artifact ids are unique, also when made from many tasks at once")
    func idsAreUnique() async {
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<2_000).map { _ in ArtifactID().rawValue } }
            }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(ids.count == 16_000)
        #expect(Set(ids).count == 16_000)
        #expect(Set(ids.map { $0.prefix(10) }).count == 1, "one random prefix per process")
        let baseSixtyTwo = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        #expect(ids.allSatisfy { $0.utf8.allSatisfy(baseSixtyTwo.contains) }, "letters and digits only")
        // Short enough for Swift to keep inside the String: nothing allocated per id.
        #expect(ids.allSatisfy { $0.utf8.count <= 15 })
    }
}
