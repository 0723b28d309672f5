import Foundation
import Manifold
import ManifoldAgentKit
import ManifoldJSON
import ManifoldLLM
import ManifoldPluginTestSupport
import Testing

@Suite("agent limits")
struct AgentLimitsTests {
    /// An OpenAI stream of `count` one-word deltas that never says it is finished.
    private func endlessLooking(_ count: Int) -> FakeOpenAIServer.Response {
        let chunk = #"data: {"id":"1","choices":[{"index":0,"delta":{"content":"word "},"finish_reason":null}]}"# + "\n\n"
        return FakeOpenAIServer.Response(body: String(repeating: chunk, count: count))
    }

    @Test("a model that streams past maxTokens ends the turn with finish reason length, not a failure")
    func maxTokensEndsTheTurn() async throws {
        let server = try await FakeOpenAIServer.start([endlessLooking(500)])
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(
                provider: ProviderConfig(provider: .openai, baseURL: server.baseURL, model: "m", maxRetries: 0), maxTokens: 4),
            environment: [:])
        let out = Recorder()
        do {
            try await withTimeLimit(30) { try await agent.feed(userTurn("talk", conversation: "c"), into: out) }
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
        // Deltas that arrive in one read are joined into one, so their count varies; their text does not.
        #expect(out.of(.chatDelta).map { json($0)["text"]?.stringValue ?? "" }.joined() == "word word word word ")
        let answer = try #require(out.of(.chatMessage).last)
        #expect(json(answer)["content"] == "word word word word ")
        #expect(answer.metadata[AgentMetadataKey.finishReason] == "length")
        #expect(server.requestBodies.first?["max_tokens"] == 4, "the limit is also asked of the server")
        #expect(agent.history(ofConversation: "c").last == .assistant("word word word word "))
    }

    @Test("the limits are config keys of the provider, checked by the schema and by the agent")
    func limitsAreConfigKeys() throws {
        let schema = try JSONSchema(try #require(AgentPlugin.info.configSchema))
        #expect(schema.accepts([
            "provider": ["provider": "openai", "requestTimeoutSeconds": 30, "maxResponseBytes": 1_048_576, "maxEventBytes": 65536],
        ]))
        #expect(!schema.accepts(["provider": ["provider": "openai", "maxResponseBytes": 100]]))
        #expect(!schema.accepts(["provider": ["provider": "openai", "requestTimeoutSeconds": 0]]))

        let configuration = AgentConfiguration(
            provider: ProviderConfig(provider: .ollama, model: "m", maxResponseBytes: 2048, maxEventBytes: 4096))
        var message = ""
        do {
            _ = try AgentPlugin(configuration: configuration, environment: [:])
        } catch {
            message = "\(error)"
        }
        #expect(
            message.contains("config.provider: invalid provider configuration: ollama: \"maxEventBytes\" (4096) must not exceed \"maxResponseBytes\" (2048)"),
            "\(message)")
    }

    @Test("an input quoting terminal control sequences is reported with them escaped")
    func malformedInputIsEscaped() async throws {
        let agent = try AgentPlugin(configuration: AgentConfiguration(provider: scripted([.text("hi")])), environment: [:])
        let input = Artifact(type: .chatMessage, payload: Data("\u{1B}]0;pwned\u{07}\u{1B}[2J not JSON".utf8))
        var message = ""
        do {
            try await agent.feed(input, into: Recorder())
        } catch {
            message = "\(error)"
        }
        #expect(message.contains("malformed"))
        #expect(!message.unicodeScalars.contains("\u{1B}"), "\(message.debugDescription)")
        #expect(message.contains(#"\x1B]0;pwned\x07\x1B[2J not JSON"#), "\(message)")
    }
}
