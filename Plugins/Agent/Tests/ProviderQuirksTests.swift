import Foundation
import Manifold
import ManifoldAgentKit
import ManifoldJSON
import ManifoldLLM
import ManifoldPluginTestSupport
import ManifoldToolsKit
import Testing

/// A response body recorded in a provider's wire format, from `Fixtures/NAME.sse`.
private func recorded(_ name: String) throws -> FakeOpenAIServer.Response {
    let url = try #require(
        Bundle.module.url(forResource: name, withExtension: "sse", subdirectory: "Fixtures"), "no fixture Fixtures/\(name).sse")
    return FakeOpenAIServer.Response(body: try String(contentsOf: url, encoding: .utf8))
}

/// Runs `body` with a fake server, stopping it whether `body` threw or not.
private func withFakeServer<T>(_ responses: [FakeOpenAIServer.Response], _ body: (FakeOpenAIServer) async throws -> T) async throws -> T {
    let server = try await FakeOpenAIServer.start(responses)
    do {
        let result = try await body(server)
        try await server.stop()
        return result
    } catch {
        try? await server.stop()
        throw error
    }
}

@Suite("agent against real providers' stream quirks")
struct ProviderQuirksTests {
    @Test("agent ↔ tools on a hub: two parallel calls at a repeated index 0 both run, and both results go back in one request")
    func twoParallelCallsThroughTheToolsNode() async throws {
        try await withFakeServer([try recorded("ollama-v1-two-pow-calls"), try recorded("ollama-v1-final-answer")]) { server in
            let agent = try AgentPlugin(
                configuration: AgentConfiguration(
                    provider: ProviderConfig(provider: .openai, baseURL: server.baseURL, model: "qwen2.5:7b", maxRetries: 0),
                    emitDeltas: false, toolCatalog: .request),
                environment: [:])
            let loop = try await AgentToolsLoop.ask("2^10 and 3^2?", correlationID: "pp", agent: agent)
            let answer = loop.answer, agentNode = loop.agentNode, toolsNode = loop.toolsNode

            #expect(json(answer) == ["role": "assistant", "content": "2^10 is 1024 and 3^2 is 9."])
            #expect(agentNode.report.failed == 0)
            #expect(toolsNode.report.failed == 0)
            #expect(toolsNode.report.processed == 3, "one tool/list and two tool/calls")

            let bodies = server.requestBodies
            try #require(bodies.count == 2, "one request for the calls, one follow-up with both results")
            let messages = try #require(bodies[1]["messages"]?.arrayValue)
            try #require(messages.count == 4)
            #expect(messages[0] == ["role": "user", "content": "2^10 and 3^2?"])
            #expect(messages[1]["role"] == "assistant")
            #expect(messages[1]["content"] == .null)
            let calls = try #require(messages[1]["tool_calls"]?.arrayValue)
            #expect(calls.map { $0["id"] } == ["call_p2x10aaa", "call_p3x2bbbb"])
            #expect(calls.map { $0["function"]?["name"] } == ["pow", "pow"])
            #expect(try calls.map { try JSONValue(parsing: $0["function"]?["arguments"]?.stringValue ?? "") } == [["x": 2, "y": 10], ["x": 3, "y": 2]])
            #expect(messages[2] == ["role": "tool", "tool_call_id": "call_p2x10aaa", "content": "1024"])
            #expect(messages[3] == ["role": "tool", "tool_call_id": "call_p3x2bbbb", "content": "9"])
        }
    }

    @Test("a refusal is the answer's content, with agent.finish_reason refusal")
    func refusal() async throws {
        try await withFakeServer([try recorded("openai-refusal")]) { server in
            let agent = try AgentPlugin(
                configuration: AgentConfiguration(
                    provider: ProviderConfig(provider: .openai, baseURL: server.baseURL, model: "gpt-4o", maxRetries: 0)),
                environment: [:])
            let out = Recorder()
            try await withTimeLimit(30) { try await agent.feed(userTurn("Something disallowed", conversation: "r"), into: out) }
            let answer = try #require(out.of(.chatMessage).last)
            #expect(json(answer) == ["role": "assistant", "content": "I'm sorry, I can't help with that."])
            #expect(answer.metadata[AgentMetadataKey.finishReason] == "refusal")
        }
    }

    @Test("Anthropic prompt-cache counts reach the usage metadata; input tokens are the whole prompt")
    func cacheUsageMetadata() async throws {
        try await withFakeServer([try recorded("anthropic-cache-usage")]) { server in
            let agent = try AgentPlugin(
                configuration: AgentConfiguration(
                    provider: ProviderConfig(provider: .anthropic, baseURL: server.baseURL, model: "claude-sonnet-4-20250514", apiKeyEnv: "K", maxRetries: 0)),
                environment: ["K": "test-key"])
            let out = Recorder()
            try await withTimeLimit(30) { try await agent.feed(userTurn("When does the contract renew?", conversation: "c"), into: out) }
            let answer = try #require(out.of(.chatMessage).last)
            #expect(answer.metadata[AgentMetadataKey.inputTokens] == "12084")
            #expect(answer.metadata[AgentMetadataKey.cacheReadInputTokens] == "10240")
            #expect(answer.metadata[AgentMetadataKey.cacheCreationInputTokens] == "1830")
            #expect(answer.metadata[AgentMetadataKey.outputTokens] == "9")
            #expect(answer.metadata[AgentMetadataKey.totalInputTokens] == "12084")
        }
    }

    @Test("reasoning model settings and extraBody from the agent's config reach the request body")
    func reasoningAndExtraBodyFromConfig() async throws {
        try await withFakeServer([try recorded("openai-reasoning")]) { server in
            let text = """
                {"provider": {"provider": "openai", "baseURL": "\(server.baseURL)", "model": "o4-mini", "maxRetries": 0,
                              "reasoningEffort": "low", "extraBody": {"service_tier": "flex", "seed": 7}},
                 "maxTokens": 2048}
                """
            let schema = try JSONSchema(try #require(AgentPlugin.info.configSchema))
            #expect(schema.accepts(try JSONValue(parsing: text)))
            let configuration = try JSONDecoder().decode(AgentConfiguration.self, from: Data(text.utf8))
            let agent = try AgentPlugin(configuration: configuration, environment: [:])
            let out = Recorder()
            try await withTimeLimit(30) { try await agent.feed(userTurn("6 times 7?", conversation: "o"), into: out) }
            #expect(out.of(.chatMessage).last.map(json) == ["role": "assistant", "content": "42"])
            let body = try #require(server.requestBodies.first)
            #expect(body["max_completion_tokens"] == 2048)
            #expect(body["max_tokens"] == nil)
            #expect(body["temperature"] == nil)
            #expect(body["reasoning_effort"] == "low")
            #expect(body["service_tier"] == "flex")
            #expect(body["seed"] == 7)
            #expect(out.of(.chatMessage).last?.metadata[AgentMetadataKey.cacheReadInputTokens] == "1024")
        }
    }

    @Test("the schema checks the new provider keys; the agent refuses what the schema cannot see, naming the key")
    func configErrors() throws {
        let schema = try JSONSchema(try #require(AgentPlugin.info.configSchema))
        #expect(schema.accepts(["provider": ["provider": "openai", "reasoning": true, "reasoningEffort": "high", "extraBody": ["seed": 1]]]))
        #expect(!schema.accepts(["provider": ["provider": "openai", "extraBody": "seed=1"]]))
        #expect(!schema.accepts(["provider": ["provider": "openai", "reasoning": "yes"]]))
        #expect(!schema.accepts(["provider": ["provider": "openai", "reasoningEffort": ""]]))

        expectError(containing: ["config.temperature", "'o3-mini' is a reasoning model", "\"reasoning\": false"]) {
            _ = try AgentPlugin(
                configuration: AgentConfiguration(
                    provider: ProviderConfig(provider: .openai, model: "o3-mini", apiKeyEnv: "K"), temperature: 0),
                environment: ["K": "key"])
        }
        expectError(containing: ["config.temperature", "'gpt-5' is a reasoning model"]) {
            _ = try AgentPlugin(
                configuration: AgentConfiguration(
                    provider: ProviderConfig(provider: .openai, model: "gpt-4o", apiKeyEnv: "K"), model: "gpt-5", temperature: 0.7),
                environment: ["K": "key"])
        }
        // The override lets a temperature through for a model that only looks like one.
        _ = try AgentPlugin(
            configuration: AgentConfiguration(
                provider: ProviderConfig(provider: .openai, model: "o3-finetune", apiKeyEnv: "K", reasoning: false), temperature: 0),
            environment: ["K": "key"])
        expectError(containing: ["config.provider", "\"extraBody\" must not set \"max_tokens\"", "use \"maxTokens\" instead"]) {
            _ = try AgentPlugin(
                configuration: AgentConfiguration(
                    provider: ProviderConfig(provider: .openai, model: "gpt-4o", apiKeyEnv: "K", extraBody: ["max_tokens": 5])),
                environment: ["K": "key"])
        }
    }
}
