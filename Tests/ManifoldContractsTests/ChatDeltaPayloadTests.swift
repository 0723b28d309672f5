import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON
import Testing

@Suite("chat/delta payloads written and read without JSONEncoder and JSONDecoder")
struct ChatDeltaPayloadTests {
    static let texts = [
        "Hel", "", " ", "say \"hi\"", "back\\slash /", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}", "Grüße 🌍 \u{2028}", "👩‍👩‍👧",
    ]

    @Test("the payload is {\"text\": …}, valid JSON with the text escaped", arguments: texts)
    func payloadIsTheDocumentedJSON(text: String) throws {
        let artifact = ChatDelta(text: text).artifact(metadata: ["k": "v"], correlationID: "c1")
        #expect(artifact.type == .chatDelta && artifact.metadata == ["k": "v"] && artifact.correlationID == "c1")
        #expect(try JSONValue(parsing: artifact.payload) == ["text": .string(text)])
        #expect(try ChatDelta(decoding: artifact).text == text)
        // What JSONEncoder writes (the payload before) reads the same.
        let encoded = Artifact.contract(ChatDelta(text: text), type: .chatDelta)
        #expect(try ChatDelta(decoding: encoded).text == text)
        #expect(try JSONDecoder().decode(ChatDelta.self, from: artifact.payload).text == text, "old readers read it too")
    }

    @Test func escapesAsDocumented() {
        #expect(ChatDelta(text: "a\"b\\c\n\u{1}é").artifact().text == #"{"text":"a\"b\\c\n\u0001é"}"#)
    }

    @Test("a payload of another shape still reads as it always did, or fails with the decoder's reason")
    func otherShapes() throws {
        let extra = Artifact(type: .chatDelta, payload: Data(#"{"index": 3, "text": "x", "more": [1e3]}"#.utf8))
        #expect(try ChatDelta(decoding: extra).text == "x")
        let spaced = Artifact(type: .chatDelta, payload: Data(" {\n \"text\" : \"\\u00e9\" } ".utf8))
        #expect(try ChatDelta(decoding: spaced).text == "é")

        let missing = Artifact(type: .chatDelta, payload: Data(#"{"content": "x"}"#.utf8))
        #expect {
            try ChatDelta(decoding: missing)
        } throws: { error in
            "\(error)".contains("missing key 'text'")
        }
        let notJSON = Artifact(type: .chatDelta, payload: Data("Hel".utf8))
        #expect(throws: ArtifactPayloadError.self) { try ChatDelta(decoding: notJSON) }
        let number = Artifact(type: .chatDelta, payload: Data(#"{"text": 3}"#.utf8))
        #expect(throws: ArtifactPayloadError.self) { try ChatDelta(decoding: number) }
        let wrongType = Artifact.text(#"{"text": "x"}"#)
        #expect {
            try ChatDelta(decoding: wrongType)
        } throws: { error in
            guard case ArtifactPayloadError.typeMismatch = error else { return false }
            return true
        }
    }

    @Test func messagesReadTheSameWay() throws {
        let message = Artifact(type: .chatMessage, payload: Data(#"{"role": null, "content": "a\nb", "extra": {"x": [1]}}"#.utf8))
        #expect(try ChatMessagePayload(decoding: message) == ChatMessagePayload(role: nil, content: "a\nb"))
        let assistant = Artifact.contract(ChatMessagePayload(role: "assistant", content: "hi 🌍"), type: .chatMessage)
        #expect(try ChatMessagePayload(decoding: assistant) == ChatMessagePayload(role: "assistant", content: "hi 🌍"))
        let badRole = Artifact(type: .chatMessage, payload: Data(#"{"role": 1, "content": "x"}"#.utf8))
        #expect(throws: ArtifactPayloadError.self) { try ChatMessagePayload(decoding: badRole) }
    }
}
