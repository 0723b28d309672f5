import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON
import Testing

@Suite("Chat and tool payload contracts")
struct ContractPayloadTests {
    @Test("payloads encode to the documented JSON, keys sorted, and read back")
    func documentedShapes() throws {
        let result = Artifact.contract(
            ToolResultPayload(id: "call_1", name: "pow", content: "1024", isError: false, result: 1024), type: .toolResult,
            correlationID: "conversation-7")
        #expect(result.text == #"{"content":"1024","id":"call_1","isError":false,"name":"pow","result":1024}"#)
        #expect(result.type == .toolResult && result.correlationID == "conversation-7")
        #expect(try result.decode(ToolResultPayload.self, expecting: [.toolResult]).result == 1024)

        let failed = Artifact.contract(ToolResultPayload(id: "c", name: nil, content: "no such file", isError: true), type: .toolResult)
        #expect(failed.text == #"{"content":"no such file","id":"c","isError":true}"#, "absent, not null")

        let call = Artifact.contract(ToolCallPayload(id: "c", name: "pow", arguments: .string("{x: 2")), type: .toolCall)
        #expect(call.text == #"{"arguments":"{x: 2","id":"c","name":"pow"}"#)

        let delta = Artifact.contract(ChatDelta(text: "Hel"), type: .chatDelta)
        #expect(try ChatDelta(decoding: delta) == ChatDelta(text: "Hel"))
        let message = Artifact.contract(ChatMessagePayload(role: "assistant", content: "hi"), type: .chatMessage)
        #expect(try ChatMessagePayload(decoding: message).content == "hi")

        let catalog = Artifact.contract([ToolCatalogEntry(name: "pow", description: "x^y")], type: .toolCatalog)
        #expect(catalog.text == #"[{"description":"x^y","name":"pow"}]"#)
    }

    @Test("a non-finite number (a C tool's overflow) is written as null, never as a broken payload")
    func nonFiniteNumbers() throws {
        let overflow = Artifact.contract(
            ToolResultPayload(id: "c", name: "pow", content: "inf", isError: false, result: .number(.infinity)), type: .toolResult)
        #expect(overflow.text == #"{"content":"inf","id":"c","isError":false,"name":"pow","result":null}"#)
        let call = Artifact.contract(ToolCallPayload(id: "c", name: "f", arguments: ["x": .number(.nan)]), type: .toolCall)
        #expect(call.text == #"{"arguments":{"x":null},"id":"c","name":"f"}"#)
    }

    @Test("a payload of another type or shape is refused with the reason")
    func refusals() {
        #expect(throws: ArtifactPayloadError.self) { try ChatDelta(decoding: .text("plain words")) }
        #expect(throws: ArtifactPayloadError.self) {
            try ChatDelta(decoding: Artifact(type: .chatDelta, payload: Data(#"{"txt": "x"}"#.utf8)))
        }
        #expect(throws: ArtifactPayloadError.self) {
            try ChatMessagePayload(decoding: Artifact(type: .chatMessage, payload: Data("not json".utf8)))
        }
    }
}
