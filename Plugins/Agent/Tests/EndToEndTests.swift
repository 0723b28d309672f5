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
        let loop = try await AgentToolsLoop.ask("What is 2^10?", correlationID: "e2e", agent: agent)
        let result = loop.answer, agentNode = loop.agentNode, toolsNode = loop.toolsNode

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
