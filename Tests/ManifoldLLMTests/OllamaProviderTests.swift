import Foundation
import Testing
@testable import ManifoldLLM

@Suite("Ollama provider")
struct OllamaProviderTests {
    private func provider(_ server: FakeLLMServer) -> OllamaProvider {
        OllamaProvider(settings: testSettings(server))
    }

    @Test func streamsNDJSONTextSplitByteByByteWithUsage() async throws {
        try await withServer([.ndjson(Fixtures.ollamaText, chunking: .byteByByte)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Hi")])))
            #expect(result.error == nil)
            #expect(result.text == "Héllo wörld ✓")
            #expect(result.textDeltaCount == 2)
            #expect(result.usage == Usage(inputTokens: 26, outputTokens: 7))
            #expect(result.finished?.reason == .stop)
            let request = try #require(server.requests.first)
            #expect(request.path == "/api/chat")
            #expect(request.json?["stream"] == true)
        }
    }

    @Test func wholeToolCallsBecomeTheSameEventsAsStreamedOnes() async throws {
        try await withServer([.ndjson(Fixtures.ollamaToolCall, chunking: .lines)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Weather?")])))
            #expect(result.error == nil)
            let call = try #require(result.toolCalls.first)
            #expect(call.name == "get_weather")
            #expect(call.arguments == ["city": "Paris", "days": 3])
            #expect(call.id.hasPrefix("call_"), "Ollama sends no id, so one is made up")
            #expect(result.events.prefix(3) == [
                .toolCallStarted(index: 0, id: call.id, name: "get_weather"),
                .toolCallArgumentsDelta(index: 0, fragment: call.argumentsText),
                .toolCall(call),
            ])
            #expect(result.finished?.reason == .toolCalls, "Ollama says stop; a turn with calls is reported as toolCalls")
            #expect(result.usage == Usage(inputTokens: 50, outputTokens: 12))
        }
    }

    @Test func errorLineIsThrown() async throws {
        try await withServer([.ndjson(Fixtures.ollamaError)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Hi")])))
            #expect(result.text == "Hi")
            #expect(result.providerError == .streamError(provider: "ollama", type: "error", message: "model runner has unexpectedly stopped"))
        }
    }

    @Test func streamCutBeforeDoneIsReported() async throws {
        try await withServer([.ndjson(Fixtures.ollamaTruncated)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Hi")])))
            #expect(result.text == "Never")
            guard case .streamTruncated(_, let expected, _) = result.providerError else {
                Issue.record("expected streamTruncated, got \(String(describing: result.error))")
                return
            }
            #expect(expected.contains("done"))
        }
    }

    @Test func encodesTheSecondTurnWithOptionsAndToolNames() async throws {
        try await withServer([.ndjson(Fixtures.ollamaText)]) { server in
            _ = await collect(provider(server).stream(SecondTurn.request))
            let body = try #require(server.requests.first?.json)
            let expected: JSONValue = [
                "model": "test-model",
                "stream": true,
                "options": ["temperature": 0.5, "num_predict": 256, "stop": ["END"]],
                "messages": [
                    ["role": "system", "content": "You are terse."],
                    ["role": "user", "content": "Weather in Paris?"],
                    [
                        "role": "assistant", "content": "Checking.",
                        "tool_calls": [["function": ["name": "get_weather", "arguments": ["city": "Paris"]]]],
                    ],
                    // The history had no tool name; it is recovered from the call it answers.
                    ["role": "tool", "content": "18°C, sunny", "tool_name": "get_weather"],
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

    @Test func doneLineWithoutTrailingNewlineStillCompletes() throws {
        let text = Fixtures.ollamaText.trimmingCharacters(in: .newlines)
        let events = try decode(OllamaStreamDecoder(provider: "ollama"), text, pieceSize: 3)
        #expect(events.last == .finished(.stop, .assistant("Héllo wörld ✓")))
    }
}
