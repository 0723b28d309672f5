import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON
import Testing

/// `ContractSchemas`: the payload schemas agree with the payload types' readers.
@Suite("Contract payload schemas")
struct ContractSchemaTests {
    @Test("each contract type's schema compiles, and its example matches it and decodes as the payload")
    func examplesMatchAndDecode() throws {
        #expect(Set(ContractSchemas.all.keys) == [.chatMessage, .chatDelta, .toolCall, .toolResult, .toolList, .toolCatalog])
        for (type, source) in ContractSchemas.all {
            let schema = try JSONSchema(source)
            let example = try #require(source["examples"]?.arrayValue?.first, "\(type) has no example")
            #expect(schema.validate(example) == [], "\(type)")
            let artifact = Artifact(type: type, payload: example.serialized())
            switch type {
            case .chatMessage: _ = try ChatMessagePayload(decoding: artifact)
            case .chatDelta: _ = try ChatDelta(decoding: artifact)
            case .toolCall: _ = try artifact.decode(ToolCallPayload.self, expecting: [.toolCall])
            case .toolResult: _ = try artifact.decode(ToolResultPayload.self, expecting: [.toolResult])
            case .toolCatalog: _ = try artifact.decode([ToolCatalogEntry].self, expecting: [.toolCatalog])
            default: #expect(example == [:])
            }
        }
    }

    @Test("the schemas refuse what no reader accepts, and accept what the readers allow")
    func boundaries() throws {
        let message = try JSONSchema(ContractSchemas.chatMessage)
        #expect(message.accepts(["content": "no role is a user turn"]))
        #expect(message.accepts(["role": nil, "content": "a null role too"]))
        #expect(!message.accepts(["role": "user"]))
        let call = try JSONSchema(ContractSchemas.toolCall)
        #expect(call.accepts(["id": "c", "name": "pow", "arguments": "{x: 2"]), "the model's raw text")
        #expect(!call.accepts(["id": "c", "name": "pow", "arguments": 3]))
        #expect(ContractSchemas.schema(for: try ArtifactType(parsing: "chat/message;v=1")) == ContractSchemas.chatMessage)
        #expect(ContractSchemas.schema(for: .plainText) == nil)
    }
}
