import Manifold
import ManifoldAgentKit
import ManifoldPluginTestSupport
import ManifoldToolsKit
import Testing

/// An agent and a `tools` node offering libm's `pow`, each in a Streamer on one hub, asked one
/// question: what the end-to-end tests of the agent ↔ tools loop share.
struct AgentToolsLoop {
    /// The agent's first answer.
    let answer: Artifact
    let agentNode: Streamer
    let toolsNode: Streamer

    /// Publishes `question` on `user`, waits for the agent's first `chat/message` answer, then
    /// for the hub to go idle, and closes it.
    static func ask(_ question: String, correlationID: String, agent: AgentPlugin) async throws -> AgentToolsLoop {
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

        let answer = try await withTimeLimit(30) {
            try await withThrowingTaskGroup(of: Void.self, returning: Artifact.self) { group in
                group.addTask { _ = try await agentNode.run() }
                group.addTask { _ = try await toolsNode.run() }
                try await hub.publish(.text(question, correlationID: correlationID), to: try Topic("user"))
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
        return AgentToolsLoop(answer: answer, agentNode: agentNode, toolsNode: toolsNode)
    }
}
