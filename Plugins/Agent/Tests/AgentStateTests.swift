import Foundation
import Manifold
import ManifoldAgentKit
import ManifoldLLM
import ManifoldPluginTestSupport
import Testing

/// The agent's `manifold.state` snapshots: a conversation saved while its turn waits for tool
/// results is carried on by another instance without a second model call for what was done.
@Suite("agent: state snapshots")
struct AgentStateTests {
    static func agent(_ provider: RecordingProvider) throws -> AgentPlugin {
        try AgentPlugin(configuration: AgentConfiguration(provider: scripted([.text("unused")]), tools: [AgentTests.powTool]), provider: provider)
    }

    static func script() -> RecordingProvider {
        RecordingProvider(ScriptedProvider(script: [
            .toolCalls([ScriptedToolCall(id: "call_1", name: "pow", arguments: ["x": 2, "y": 10])]),
            .text("2^10 is 1024."),
        ]))
    }

    @Test("a turn saved while it waits for a tool result goes on in a new instance, with one model call")
    func awaitingTurnIsCarriedOn() async throws {
        let first = Self.script()
        let before = try Self.agent(first)
        _ = try await before.feed(userTurn("what is 2^10?", conversation: "conv"), into: Recorder())
        #expect(first.requests.count == 1)
        let saved = try before.saveState(key: "conv")
        #expect(before.stateKeys() == ["conv"])

        let second = Self.script()
        let after = try Self.agent(second)
        try after.loadState(saved, key: "conv")
        let emitted = try await after.feed(toolResult(id: "call_1", name: "pow", content: "1024", conversation: "conv"), into: Recorder())
        #expect(emitted.last.map { json($0)["content"] } == "2^10 is 1024.")
        #expect(second.requests.count == 1, "only the model call after the tool result")
        #expect(second.requests.first?.messages.map(\.role) == [.user, .assistant, .tool])
        #expect(after.history(ofConversation: "conv").map(\.role) == [.user, .assistant, .tool, .assistant])
    }

    @Test("a result for a call the saved turn does not wait on is refused, as without a snapshot")
    func unknownCallIsRefused() async throws {
        let before = try Self.agent(Self.script())
        _ = try await before.feed(userTurn("what is 2^10?", conversation: "conv"), into: Recorder())
        let after = try Self.agent(Self.script())
        try after.loadState(try before.saveState(key: "conv"), key: "conv")
        await #expect(throws: (any Error).self) {
            _ = try await after.feed(toolResult(id: "call_9", name: "pow", content: "1", conversation: "conv"), into: Recorder())
        }
    }

    @Test("a format 1 snapshot (history only) is still read; an unknown format is refused with the conversation named")
    func formatsOneAndUnknown() throws {
        let agent = try Self.agent(Self.script())
        try agent.loadState(Data(#"{"version": 1, "history": [{"role": "user", "content": "hi"}]}"#.utf8), key: "old")
        #expect(agent.history(ofConversation: "old").map(\.content) == ["hi"])
        #expect(throws: (any Error).self) { try agent.loadState(Data(#"{"version": 9, "history": []}"#.utf8), key: "new") }
        do {
            try agent.loadState(Data(#"{"version": 9, "history": []}"#.utf8), key: "new")
        } catch {
            #expect("\(error)".contains("new"))
            #expect("\(error)".contains("format 9"))
        }
    }
}
