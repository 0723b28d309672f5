import Foundation
import Testing
@testable import ManifoldLLM

@Suite("OpenAI-compatible provider")
struct OpenAIProviderTests {
    private func provider(_ server: FakeLLMServer, apiKey: String? = nil) -> OpenAIChatProvider {
        OpenAIChatProvider(settings: testSettings(server, path: "/v1", apiKey: apiKey))
    }

    @Test func streamsTextSplitByteByByteWithUsageFromAChoicelessChunk() async throws {
        try await withServer([.sse(Fixtures.openAIText, chunking: .byteByByte)]) { server in
            let result = await collect(provider(server, apiKey: "sk-local").stream(ChatRequest(messages: [.user("Hi")])))
            #expect(result.error == nil)
            #expect(result.text == "Grüße, Welt 🌍!")
            #expect(result.usage == Usage(inputTokens: 12, outputTokens: 5))
            #expect(result.finished?.reason == .stop)
            #expect(result.finished?.message == .assistant("Grüße, Welt 🌍!"))
            #expect(result.events.suffix(2).first == .usage(Usage(inputTokens: 12, outputTokens: 5)), "usage comes right before finished")

            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/v1/chat/completions")
            #expect(request.header("Authorization") == "Bearer sk-local")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.json?["stream"] == true)
            #expect(request.json?["stream_options"] == ["include_usage": true])
        }
    }

    @Test func sendsNoAuthorizationWithoutAKey() async throws {
        try await withServer([.sse(Fixtures.openAIText)]) { server in
            _ = await collect(provider(server).stream(ChatRequest(messages: [.user("Hi")])))
            #expect(server.requests.count == 1)
            #expect(server.requests.first?.header("Authorization") == nil)
        }
    }

    @Test func assemblesTwoParallelToolCallsFromInterleavedTinyFragments() async throws {
        try await withServer([.sse(Fixtures.openAIParallelTools, chunking: .every(7))]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Weather and time?")])))
            #expect(result.error == nil)
            #expect(result.toolCalls == [
                ToolCall(id: "call_weather", name: "get_weather", argumentsText: #"{"city": "Paris"}"#),
                ToolCall(id: "call_time", name: "get_time", argumentsText: #"{"tz": "Europe/Paris"}"#),
            ])
            #expect(result.toolCalls.map(\.arguments) == [["city": "Paris"], ["tz": "Europe/Paris"]])

            // Each call's fragments, concatenated per index, give its arguments text.
            var fragments: [Int: String] = [:]
            var started: [Int] = []
            for event in result.events {
                switch event {
                case .toolCallStarted(let index, _, _): started.append(index)
                case .toolCallArgumentsDelta(let index, let fragment):
                    #expect(started.contains(index), "a delta never precedes its start")
                    fragments[index, default: ""] += fragment
                default: break
                }
            }
            #expect(started == [0, 1])
            #expect(fragments == [0: #"{"city": "Paris"}"#, 1: #"{"tz": "Europe/Paris"}"#])
            #expect(result.events.contains(.toolCallStarted(index: 1, id: "call_time", name: "get_time")))
            #expect(result.finished?.reason == .toolCalls)
            #expect(result.finished?.message.toolCalls == result.toolCalls)
            #expect(result.finished?.message.content == "")
            #expect(result.usage == Usage(inputTokens: 40, outputTokens: 22))
        }
    }

    @Test func encodesTheSecondTurnWithToolCallsAndToolResults() async throws {
        try await withServer([.sse(Fixtures.openAIText)]) { server in
            _ = await collect(provider(server).stream(SecondTurn.request))
            let body = try #require(server.requests.first?.json)
            let expected: JSONValue = [
                "model": "test-model",
                "stream": true,
                "stream_options": ["include_usage": true],
                "temperature": 0.5,
                "max_tokens": 256,
                "stop": ["END"],
                "messages": [
                    ["role": "system", "content": "You are terse."],
                    ["role": "user", "content": "Weather in Paris?"],
                    [
                        "role": "assistant", "content": "Checking.",
                        "tool_calls": [
                            ["id": "call_1", "type": "function", "function": ["name": "get_weather", "arguments": #"{"city":"Paris"}"#]]
                        ],
                    ],
                    ["role": "tool", "tool_call_id": "call_1", "content": "18°C, sunny"],
                ],
                "tools": [
                    [
                        "type": "function",
                        "function": [
                            "name": "get_weather", "description": "Current weather for a city.",
                            "parameters": SecondTurn.tool.parameters,
                        ],
                    ]
                ],
            ]
            #expect(body == expected)
        }
    }

    @Test func toolOnlyAssistantTurnHasNullContentAndToolChoiceIsEncoded() {
        let request = ChatRequest(
            model: "m", messages: [.assistant("", toolCalls: [SecondTurn.call])], toolChoice: .tool("get_weather"),
            extraBody: ["seed": 7])
        let body = OpenAIRequestEncoder.body(for: request, model: "m")
        #expect(body["messages"]?.arrayValue?.first?["content"] == .null)
        #expect(body["tool_choice"] == ["type": "function", "function": ["name": "get_weather"]])
        #expect(body["seed"] == 7)
    }

    @Test func streamCutBeforeDoneIsReported() async throws {
        try await withServer([.sse(Fixtures.openAITruncated)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Hi")])))
            #expect(result.text == "Half an ans", "what came is still delivered")
            #expect(result.finished == nil)
            guard case .streamTruncated(_, let expected, _) = result.providerError else {
                Issue.record("expected streamTruncated, got \(String(describing: result.error))")
                return
            }
            #expect(expected == "data: [DONE]")
        }
    }

    @Test func malformedChunkNamesWhatWasExpectedAndShowsASnippet() async throws {
        let body = "data: {\"choices\": [oops, this is not JSON" + String(repeating: "x", count: 400) + "\n\n"
        try await withServer([.sse(body)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Hi")])))
            guard case .malformedStream(_, let expected, let snippet) = result.providerError else {
                Issue.record("expected malformedStream, got \(String(describing: result.error))")
                return
            }
            #expect(expected.contains("chat.completion.chunk"))
            #expect(snippet.hasPrefix("{\"choices\": [oops"))
            #expect(snippet.count <= Snippet.defaultLimit + 1, "the snippet is truncated")
        }
    }

    @Test func errorObjectInsideA200StreamIsThrown() async throws {
        let body = "data: {\"error\": {\"message\": \"context length exceeded\", \"type\": \"invalid_request_error\"}}\n\n"
        try await withServer([.sse(body)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Hi")])))
            #expect(result.providerError == .streamError(provider: "openai", type: "invalid_request_error", message: "context length exceeded"))
        }
    }

    @Test func decoderGivesTheSameEventsForEveryPieceSize() throws {
        let whole = try decode(OpenAIStreamDecoder(provider: "openai"), Fixtures.openAIParallelTools, pieceSize: .max)
        let wholeText = try decode(OpenAIStreamDecoder(provider: "openai"), Fixtures.openAIText, pieceSize: .max)
        for size in [1, 2, 3, 13] {
            // Tool ids are from the server here, so every run is identical.
            #expect(try decode(OpenAIStreamDecoder(provider: "openai"), Fixtures.openAIParallelTools, pieceSize: size) == whole)
            let text = try decode(OpenAIStreamDecoder(provider: "openai"), Fixtures.openAIText, pieceSize: size)
            // Text deltas may not merge across reads, but each SSE event is one delta regardless.
            #expect(text == wholeText)
        }
    }
}
