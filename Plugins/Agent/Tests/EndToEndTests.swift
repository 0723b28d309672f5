import Foundation
import Manifold
import ManifoldAgentKit
import ManifoldJSON
import ManifoldLLM
import ManifoldToolsKit
import ManifoldPluginTestSupport
import Testing

@Suite("agent and tools on a hub")
struct EndToEndTests {
    @Test("agent ↔ tools through a Hub with two Streamers until the final answer; the hub goes idle")
    func agentAndToolsOnAHub() async throws {
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(
                provider: scripted([
                    .toolCalls([ScriptedToolCall(name: "pow", arguments: ["x": 2, "y": 10])]),
                    .text("2 to the 10th is 1024."),
                ]),
                toolCatalog: .request))
        let tools = try ToolsPlugin(
            configuration: ToolsConfiguration(tools: [
                ToolSpec(name: "pow", description: "x to the power y", library: "libm.so.6", symbol: "pow", signature: "double(double x, double y)")
            ]))
        let hub = Hub()
        let agentNode = Streamer(
            name: "agent", generator: agent,
            subscribeTo: [try TopicPattern("user"), try TopicPattern("tools.results")], output: try Topic("agent.out"), hub: hub)
        let toolsNode = Streamer(
            name: "tools", generator: tools, subscribeTo: [try TopicPattern("agent.out")], output: try Topic("tools.results"), hub: hub)
        try agentNode.connect()
        try toolsNode.connect()
        let answers = try hub.subscribe("agent.out", name: "reader", accepts: [.chatMessage])

        let result = try await withTimeLimit(30) {
            try await withThrowingTaskGroup(of: Void.self, returning: Artifact.self) { group in
                group.addTask { _ = try await agentNode.run() }
                group.addTask { _ = try await toolsNode.run() }
                try await hub.publish(.text("What is 2^10?", correlationID: "e2e"), to: try Topic("user"))
                var iterator = answers.makeAsyncIterator()
                let answer = try #require(try await iterator.next())
                // Asking for the next artifact settles the answer; then nothing is in flight.
                let reader = Task { _ = try await iterator.next() }
                await hub.waitUntilIdle()
                hub.close()
                try await group.waitForAll()
                _ = await reader.result
                return answer
            }
        }

        #expect(json(result) == ["role": "assistant", "content": "2 to the 10th is 1024."])
        #expect(result.correlationID == "e2e")
        #expect(agent.offeredTools.map(\.name) == ["pow"], "the catalog came from the tools node")
        let history = agent.history(ofConversation: "e2e")
        #expect(history.map(\.role) == [.user, .assistant, .tool, .assistant])
        #expect(history[2].content == "1024")
        #expect(agentNode.report.failed == 0)
        #expect(toolsNode.report.failed == 0)
        #expect(toolsNode.report.processed == 2, "one tool/list and one tool/call")
    }
}
