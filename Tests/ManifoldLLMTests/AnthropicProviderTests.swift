import Foundation
import Testing
@testable import ManifoldLLM

@Suite("Anthropic provider")
struct AnthropicProviderTests {
    private func provider(_ server: FakeLLMServer) -> AnthropicProvider {
        AnthropicProvider(settings: testSettings(server, path: "/v1", apiKey: "sk-ant-test-key-0123456789"))
    }

    @Test func streamsTextAndAToolCallOverCRLFWithPingsSplitByteByByte() async throws {
        try await withServer([.sse(Fixtures.anthropicToolUse, chunking: .byteByByte)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Weather in Zürich?")])))
            #expect(result.error == nil)
            #expect(result.text == "Let me check — one moment.")
            let call = ToolCall(id: "toolu_01", name: "get_weather", argumentsText: #"{"city": "Zürich"}"#)
            #expect(result.toolCalls == [call])
            #expect(call.arguments == ["city": "Zürich"])
            #expect(result.events.contains(.toolCallStarted(index: 0, id: "toolu_01", name: "get_weather")))
            #expect(result.finished?.reason == .toolCalls)
            #expect(result.finished?.message == .assistant("Let me check — one moment.", toolCalls: [call]))
            // input_tokens 25 plus 5 read from the prompt cache; output is the final cumulative count.
            #expect(result.usage == Usage(inputTokens: 30, outputTokens: 31, cacheReadInputTokens: 5))

            let request = try #require(server.requests.first)
            #expect(request.path == "/v1/messages")
            #expect(request.header("x-api-key") == "sk-ant-test-key-0123456789")
            #expect(request.header("anthropic-version") == "2023-06-01")
            #expect(request.header("Authorization") == nil)
        }
    }

    @Test func errorEventAfter200IsThrownWithItsTypeAndMessage() async throws {
        try await withServer([.sse(Fixtures.anthropicErrorAfter200)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Hi")])))
            #expect(result.text == "Partial")
            #expect(result.providerError == .streamError(provider: "anthropic", type: "overloaded_error", message: "Overloaded"))
            let description = String(describing: try #require(result.error))
            #expect(description.contains("overloaded_error") && description.contains("Overloaded"))
            #expect(server.requests.count == 1, "an error after events is not retried")
        }
    }

    @Test func streamCutBeforeMessageStopIsReported() async throws {
        try await withServer([.sse(Fixtures.anthropicTruncated)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Hi")])))
            #expect(result.text == "Cut")
            guard case .streamTruncated(_, let expected, _) = result.providerError else {
                Issue.record("expected streamTruncated, got \(String(describing: result.error))")
                return
            }
            #expect(expected == "event: message_stop")
        }
    }

    @Test func encodesTheSecondTurnAndDefaultsMaxTokens() async throws {
        try await withServer([.sse(Fixtures.anthropicText), .sse(Fixtures.anthropicText)]) { server in
            let provider = provider(server)
            let result = await collect(provider.stream(SecondTurn.request))
            #expect(result.text == "Bonjour")
            #expect(result.usage == Usage(inputTokens: 9, outputTokens: 4))
            let body = try #require(server.requests.first?.json)
            let expected: JSONValue = [
                "model": "test-model",
                "max_tokens": 256,
                "stream": true,
                "system": "You are terse.",
                "temperature": 0.5,
                "stop_sequences": ["END"],
                "messages": [
                    ["role": "user", "content": [["type": "text", "text": "Weather in Paris?"]]],
                    [
                        "role": "assistant",
                        "content": [
                            ["type": "text", "text": "Checking."],
                            ["type": "tool_use", "id": "call_1", "name": "get_weather", "input": ["city": "Paris"]],
                        ],
                    ],
                    ["role": "user", "content": [["type": "tool_result", "tool_use_id": "call_1", "content": "18°C, sunny"]]],
                ],
                "tools": [
                    ["name": "get_weather", "description": "Current weather for a city.", "input_schema": SecondTurn.tool.parameters]
                ],
            ]
            #expect(body == expected)

            _ = await collect(provider.stream(ChatRequest(messages: [.user("Hi")])))
            #expect(server.requests.last?.json?["max_tokens"] == 4096, "max_tokens is required, so it is defaulted")
        }
    }

    @Test func parallelToolResultsAndFollowingTextShareOneUserTurn() {
        let calls = [
            ToolCall(id: "a", name: "one", arguments: [:]),
            ToolCall(id: "b", name: "two", arguments: ["x": 1]),
        ]
        let request = ChatRequest(
            messages: [
                .system("S1"), .user("Go"), .assistant("", toolCalls: calls),
                .tool(callID: "a", content: "ok"), .tool(callID: "b", content: "failed", isError: true),
                .user("And now?"), .system("S2"),
            ],
            toolChoice: .required)
        let body = AnthropicRequestEncoder.body(for: request, model: "m", defaultMaxTokens: 100)
        #expect(body["system"] == "S1\n\nS2")
        #expect(body["tool_choice"] == ["type": "any"])
        let messages = body["messages"]?.arrayValue ?? []
        #expect(messages.map { $0["role"] } == ["user", "assistant", "user"])
        #expect(messages[1]["content"] == [
            ["type": "tool_use", "id": "a", "name": "one", "input": [:]],
            ["type": "tool_use", "id": "b", "name": "two", "input": ["x": 1]],
        ])
        #expect(messages[2]["content"] == [
            ["type": "tool_result", "tool_use_id": "a", "content": "ok"],
            ["type": "tool_result", "tool_use_id": "b", "content": "failed", "is_error": true],
            ["type": "text", "text": "And now?"],
        ])
    }

    @Test func decoderGivesTheSameEventsForEveryPieceSize() throws {
        let whole = try decode(AnthropicStreamDecoder(provider: "anthropic"), Fixtures.anthropicToolUse, pieceSize: .max)
        for size in [1, 2, 5, 17] {
            #expect(try decode(AnthropicStreamDecoder(provider: "anthropic"), Fixtures.anthropicToolUse, pieceSize: size) == whole)
        }
        // Four argument pieces, the empty one dropped: every fragment is passed on as it came.
        let fragments = whole.compactMap { event -> String? in
            if case .toolCallArgumentsDelta(_, let fragment) = event { return fragment }
            return nil
        }
        #expect(fragments == [#"{"ci"#, #"ty": "Zü"#, #"rich"}"#])
    }
}
