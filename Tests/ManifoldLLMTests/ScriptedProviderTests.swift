import Foundation
import Testing
@testable import ManifoldLLM

@Suite("Scripted provider")
struct ScriptedProviderTests {
    private let script: [ScriptedTurn] = [
        ScriptedTurn(text: "Let me look.", toolCalls: [ScriptedToolCall(name: "read_file", arguments: ["path": "notes/today.txt"])]),
        .text("The file says: buy milk, call Ana."),
    ]

    @Test func playsATextTurnAsSeveralDeltas() async throws {
        let provider = ScriptedProvider(script: [.text("The file says: buy milk.")])
        let result = await collect(provider.stream(ChatRequest(messages: [.user("What does it say?")])))
        #expect(result.error == nil)
        #expect(result.textDeltaCount == 5)
        #expect(result.text == "The file says: buy milk.")
        #expect(result.finished?.reason == .stop)
        #expect(result.finished?.message == .assistant("The file says: buy milk."))
        #expect(result.usage == Usage(inputTokens: 4, outputTokens: 5), "rough word counts when the script gives none")
    }

    @Test func walksTheScriptByAssistantTurnsThroughAToolLoop() async throws {
        let provider = ScriptedProvider(script: script)
        var messages: [ChatMessage] = [.system("Be brief."), .user("What is in my notes?")]

        let first = try await provider.complete(ChatRequest(messages: messages))
        #expect(first.finishReason == .toolCalls)
        let call = try #require(first.message.toolCalls.first)
        #expect(call == ToolCall(id: "call_0_0", name: "read_file", arguments: ["path": "notes/today.txt"]))
        #expect(first.message.content == "Let me look.")

        messages += [first.message, .tool(callID: call.id, content: "buy milk, call Ana")]
        let second = try await provider.complete(ChatRequest(messages: messages))
        #expect(second.finishReason == .stop)
        #expect(second.message.content == "The file says: buy milk, call Ana.")
        #expect(second.usage != nil)
    }

    @Test func toolTurnStreamsLikeARealProvider() async throws {
        let provider = ScriptedProvider(script: script)
        let result = await collect(provider.stream(ChatRequest(messages: [.user("Go")])))
        let call = try #require(result.toolCalls.first)
        #expect(result.events.contains(.toolCallStarted(index: 0, id: call.id, name: "read_file")))
        let fragments = result.events.compactMap { event -> String? in
            if case .toolCallArgumentsDelta(0, let fragment) = event { return fragment }
            return nil
        }
        #expect(fragments.count > 1)
        #expect(fragments.joined() == call.argumentsText)
    }

    @Test func anExhaustedScriptIsAClearError() async throws {
        let provider = ScriptedProvider(script: [.text("only one")])
        let result = await collect(provider.stream(ChatRequest(messages: [.user("a"), .assistant("only one"), .user("b")])))
        #expect(result.providerError == .scriptExhausted(turn: 1, scriptLength: 1))
        #expect(String(describing: try #require(result.error)) == "scripted: no turn 2 in a script of 1 turn")
        #expect(result.events.isEmpty)
    }

    @Test func loadsFromAFactoryConfiguration() async throws {
        let json = """
            {"provider": "scripted", "script": [
                {"toolCalls": [{"id": "t1", "name": "clock"}]},
                {"text": "It is noon.", "usage": {"inputTokens": 10, "outputTokens": 3}}
            ]}
            """
        let provider = try ProviderFactory.make(json: Data(json.utf8), environment: [:])
        #expect(provider.name == "scripted")
        let first = try await provider.complete(ChatRequest(messages: [.user("Time?")]))
        #expect(first.message.toolCalls == [ToolCall(id: "t1", name: "clock", arguments: [:])])
        let second = try await provider.complete(
            ChatRequest(messages: [.user("Time?"), first.message, .tool(callID: "t1", content: "12:00")]))
        #expect(second.message.content == "It is noon.")
        #expect(second.usage == Usage(inputTokens: 10, outputTokens: 3))
    }
}
