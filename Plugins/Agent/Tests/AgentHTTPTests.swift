import Foundation
import Manifold
import ManifoldAgentKit
import ManifoldLLM
import ManifoldPluginTestSupport
import Testing

@Suite("agent over HTTP")
struct AgentHTTPTests {
    @Test("a tool round trip against an OpenAI-compatible SSE server replays the tool_calls and tool messages")
    func openAIToolRoundTrip() async throws {
        let server = try await FakeOpenAIServer.start([
            .sse([
                ["id": "1", "choices": [["index": 0, "delta": ["role": "assistant", "tool_calls": [
                    ["index": 0, "id": "call_pow", "type": "function", "function": ["name": "pow", "arguments": ""]],
                ]], "finish_reason": nil]]],
                ["id": "1", "choices": [["index": 0, "delta": ["tool_calls": [["index": 0, "function": ["arguments": "{\"x\":2,"]]]], "finish_reason": nil]]],
                ["id": "1", "choices": [["index": 0, "delta": ["tool_calls": [["index": 0, "function": ["arguments": "\"y\":10}"]]]], "finish_reason": nil]]],
                ["id": "1", "choices": [["index": 0, "delta": [:], "finish_reason": "tool_calls"]]],
                ["id": "1", "choices": [], "usage": ["prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19]],
            ]),
            .sse([
                ["id": "2", "choices": [["index": 0, "delta": ["role": "assistant", "content": "2^10 "], "finish_reason": nil]]],
                ["id": "2", "choices": [["index": 0, "delta": ["content": "= 1024"], "finish_reason": nil]]],
                ["id": "2", "choices": [["index": 0, "delta": [:], "finish_reason": "stop"]]],
                ["id": "2", "choices": [], "usage": ["prompt_tokens": 30, "completion_tokens": 5, "total_tokens": 35]],
            ]),
        ])
        let configuration = AgentConfiguration(
            provider: ProviderConfig(provider: .openai, baseURL: server.baseURL, model: "test-model", timeoutSeconds: 10, maxRetries: 0),
            systemPrompt: "Use tools.",
            tools: [InlineTool(name: "pow", description: "power", parameters: ["type": "object"])])
        let agent = try AgentPlugin(configuration: configuration, environment: [:])
        let out = Recorder()
        do {
            try await withTimeLimit(30) {
                let first = try await agent.feed(userTurn("2^10?", conversation: "h"), into: out)
                let call = try #require(first.first { $0.type == .toolCall })
                #expect(json(call) == ["id": "call_pow", "name": "pow", "arguments": ["x": 2, "y": 10]])
                #expect(call.metadata[AgentMetadataKey.inputTokens] == "12")
                try await agent.feed(toolResult(id: "call_pow", name: "pow", content: "1024", conversation: "h"), into: out)
            }
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()

        // Deltas that arrive in one read are joined into one, so their count varies; their text does not.
        #expect(out.of(.chatDelta).map { json($0)["text"]?.stringValue ?? "" }.joined() == "2^10 = 1024")
        let answer = try #require(out.of(.chatMessage).last)
        #expect(json(answer)["content"] == "2^10 = 1024")
        #expect(answer.metadata[AgentMetadataKey.outputTokens] == "5")
        #expect(answer.metadata[AgentMetadataKey.totalInputTokens] == "42")

        let bodies = server.requestBodies
        try #require(bodies.count == 2)
        #expect(bodies[0]["tools"]?.arrayValue?.first?["function"]?["name"] == "pow")
        let messages = try #require(bodies[1]["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue } == ["system", "user", "assistant", "tool"])
        let assistant = messages[2]
        #expect(assistant["tool_calls"]?.arrayValue?.first?["id"] == "call_pow")
        #expect(assistant["tool_calls"]?.arrayValue?.first?["function"]?["name"] == "pow")
        let arguments = try #require(assistant["tool_calls"]?.arrayValue?.first?["function"]?["arguments"]?.stringValue)
        #expect(try JSONValue(parsing: arguments) == ["x": 2, "y": 10])
        #expect(messages[3] == ["role": "tool", "tool_call_id": "call_pow", "content": "1024"])
    }

    @Test("a provider failure is thrown without the API key")
    func providerErrorHidesKey() async throws {
        let key = "sk-test-SECRET-0123456789abcdef"
        let server = try await FakeOpenAIServer.start([
            FakeOpenAIServer.Response(
                status: .unauthorized, contentType: "application/json",
                body: #"{"error":{"message":"Incorrect API key provided: \#(key)","type":"invalid_request_error"}}"#)
        ])
        let agent = try AgentPlugin(
            configuration: AgentConfiguration(
                provider: ProviderConfig(provider: .openai, baseURL: server.baseURL, model: "m", apiKeyEnv: "TEST_KEY", maxRetries: 0)),
            environment: ["TEST_KEY": key])
        var message = ""
        do {
            try await withTimeLimit(30) { try await agent.feed(userTurn("hi", conversation: "k"), into: Recorder()) }
        } catch {
            message = "\(error)"
        }
        try await server.stop()
        #expect(message.contains("authentication failed"))
        #expect(message.contains("TEST_KEY"))
        #expect(!message.contains("SECRET"), "the key leaked: \(message)")
    }
}
