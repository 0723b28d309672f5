import Foundation
import MCP
import Manifold
import ManifoldContracts
import ManifoldJSON
@testable import ManifoldManifest
import Testing

@testable import ManifoldServe

/// What a caller sees of a graph input (its tool's schema and how arguments become a payload)
/// and of a call's outputs (the MCP result they make).
@Suite("Graph tool shapes")
struct GraphToolShapeTests {
    static func tool(_ types: [ArtifactType], description: String? = nil) -> GraphInputTool {
        GraphInputTool(input: GraphPort(direction: .input, name: "in", topic: try! Topic("t"), types: ArtifactTypeSet(types), description: description), graphName: "g")
    }

    @Test func aTextInputTakesText() throws {
        let tool = Self.tool([.plainText])
        #expect(tool.shape == .text)
        #expect(tool.inputSchema["properties"]?["text"]?["type"] == "string")
        #expect(tool.description.contains("'in' of the graph 'g'"))
        #expect(try tool.payload(for: ["text": "héllo"]) == Data("héllo".utf8))
        let missing = #expect(throws: GraphInputToolError.self) { try tool.payload(for: [:]) }
        #expect(missing?.description == #"tool 'in': the argument 'text' is missing; call it with {"text": "…"}"#)
    }

    @Test func aContractInputTakesTheContractsPayload() throws {
        let tool = Self.tool([.chatMessage], description: "Ask.")
        #expect(tool.shape == .json)
        #expect(tool.description == "Ask.")
        #expect(tool.inputSchema == ContractSchemas.schema(for: .chatMessage))
        let payload = try tool.payload(for: ["role": "user", "content": "hi"])
        #expect(try ChatMessagePayload(decoding: Artifact(type: .chatMessage, payload: payload)).content == "hi")
    }

    @Test func aJSONInputTakesAnyObjectAndABinaryOneTakesBase64() throws {
        let json = Self.tool([ArtifactType(stringLiteral: "application/vnd.order+json")])
        #expect(json.shape == .json)
        #expect(try JSONValue(parsing: json.payload(for: ["id": 7])) == ["id": 7])
        let bytes = Self.tool([ArtifactType(stringLiteral: "image/png")])
        #expect(bytes.shape == .base64)
        #expect(try bytes.payload(for: ["base64": "AAEC"]) == Data([0, 1, 2]))
        let bad = #expect(throws: GraphInputToolError.self) { try bytes.payload(for: ["base64": "%%%"]) }
        #expect(bad?.description.contains("not valid base64") == true)
    }

    @Test func aWildcardInputIsOfferedAsText() {
        #expect(Self.tool([ArtifactType(stringLiteral: "*/*")]).shape == .text)
    }

    static func outcome(_ outputs: [(String, Artifact)], failures: [String] = [], ended: GraphCallOutcome.Ending = .finished) -> GraphCallOutcome {
        GraphCallOutcome(outputs: outputs.map { (output: $0.0, artifact: $0.1) }, failures: failures, losses: [], ended: ended)
    }

    static func texts(_ result: CallTool.Result) -> [String] {
        result.content.compactMap { if case .text(let text, _, _) = $0 { text } else { nil } }
    }

    @Test func streamedPiecesAreJoinedAndGiveWayToTheWholeMessage() {
        let deltas = ["Hel", "lo"].map { ("answer", ChatDelta(text: $0).artifact()) }
        let joined = GraphCallResult.toolResult(Self.outcome(deltas), graph: "g")
        #expect(Self.texts(joined) == ["Hello"])
        #expect(joined.isError == false)
        let message = Artifact(type: .chatMessage, payload: Data(#"{"role":"assistant","content":"Hello."}"#.utf8))
        let whole = GraphCallResult.toolResult(Self.outcome(deltas + [("answer", message)]), graph: "g")
        #expect(Self.texts(whole) == ["Hello."])
    }

    @Test func aLoneJSONObjectIsAlsoStructuredContent() {
        let result = GraphCallResult.toolResult(Self.outcome([("out", Artifact(type: .json, payload: Data(#"{"n":1}"#.utf8)))]), graph: "g")
        #expect(Self.texts(result) == [#"{"n":1}"#])
        #expect(result.structuredContent == .object(["n": .int(1)]))
    }

    @Test func imagesAndBytesKeepTheirType() throws {
        let png = Artifact(type: ArtifactType(stringLiteral: "image/png"), payload: Data([1, 2]))
        let gzip = Artifact(type: ArtifactType(stringLiteral: "application/gzip"), payload: Data([3]))
        let result = GraphCallResult.toolResult(Self.outcome([("a", png), ("b", gzip)]), graph: "g")
        guard case .image(let data, let mimeType, _, _) = result.content[0] else { Issue.record("\(result.content)"); return }
        #expect(data == "AQI=" && mimeType == "image/png")
        guard case .resource(let resource, _, _) = result.content[1] else { Issue.record("\(result.content)"); return }
        #expect(resource.blob == "Aw==" && resource.mimeType == "application/gzip")
        #expect(resource.uri.hasPrefix("manifold://g/outputs/b/"))
    }

    @Test func failuresAndTimeLimitsMakeAnErrorResultThatSaysWhy() {
        let partial = GraphCallResult.toolResult(
            Self.outcome([("out", .text("half"))], failures: ["node 'x' failed: boom"], ended: .timedOut(seconds: 2.5)), graph: "g")
        #expect(partial.isError == true)
        let texts = Self.texts(partial)
        #expect(texts.first == "half")
        #expect(texts.contains("node 'x' failed: boom"))
        #expect(texts.contains { $0.contains("did not finish this call within 2.5 s") })
        #expect(partial.structuredContent == nil)
        let empty = GraphCallResult.toolResult(Self.outcome([]), graph: "g")
        #expect(Self.texts(empty) == ["The graph 'g' finished this call with no output."])
        #expect(empty.isError == false)
    }
}
