import Foundation
import Testing
@testable import ManifoldLLM

/// Parallel tool calls from servers that do not give each call its own `index`.
@Suite("parallel tool calls without distinct indexes")
struct ParallelToolCallTests {
    private func provider(_ server: FakeLLMServer) -> OpenAIChatProvider {
        OpenAIChatProvider(settings: testSettings(server, path: "/v1"))
    }

    private static let weatherAndTime = [
        ToolCall(id: "call_w1x2y3z4", name: "get_weather", argumentsText: #"{"city":"Paris"}"#),
        ToolCall(id: "call_t5u6v7w8", name: "get_time", argumentsText: #"{"tz":"Europe/Paris"}"#),
    ]

    @Test("two calls at a repeated index 0, each in pieces: a new id starts a new call")
    func repeatedIndexZero() async throws {
        let body = try recordedStream("openai-parallel-repeated-index")
        for chunking in [FakeResponse.Chunking.whole, .every(5)] {
            try await withServer([.sse(body, chunking: chunking)]) { server in
                let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Weather and time in Paris?")])))
                #expect(result.error == nil)
                #expect(result.toolCalls == Self.weatherAndTime)
                #expect(result.toolCalls.allSatisfy { $0.hasValidArguments })
                #expect(result.toolCalls.map(\.arguments) == [["city": "Paris"], ["tz": "Europe/Paris"]])
                #expect(result.finished?.reason == .toolCalls)
                #expect(result.finished?.message.toolCalls == Self.weatherAndTime)
                #expect(result.events.contains(.toolCallStarted(index: 1, id: "call_t5u6v7w8", name: "get_time")))
                #expect(result.events.contains(.toolCallArgumentsDelta(index: 1, fragment: #""Europe/Paris"}"#)))
            }
        }
    }

    @Test("older Ollama /v1: whole calls without index, each with its own id, finish reason stop")
    func ollamaWithoutIndex() async throws {
        let calls = [
            ToolCall(id: "call_r8kq2m1d", name: "get_weather", argumentsText: #"{"city":"Paris"}"#),
            ToolCall(id: "call_c3zq9w0e", name: "get_time", argumentsText: #"{"tz":"Europe/Paris"}"#),
        ]
        try await withServer([.sse(try recordedStream("ollama-v1-parallel-no-index"), chunking: .every(11))]) { server in
            let result = await collect(provider(server).stream(ChatRequest(messages: [.user("Weather and time in Paris?")])))
            #expect(result.error == nil)
            #expect(result.toolCalls == calls)
            #expect(result.finished?.reason == .toolCalls, "stop with tool calls is reported as tool_calls")
            #expect(result.finished?.message.toolCalls == calls)
        }
    }

    @Test("without index and id a fragment continues the latest call, unless it names another function or is a later entry of its chunk")
    func fragmentsWithoutIndexOrID() throws {
        func chunk(_ calls: String) -> String {
            #"data: {"choices":[{"index":0,"delta":{"tool_calls":[\#(calls)]},"finish_reason":null}]}"# + "\n\n"
        }
        let body =
            chunk(#"{"id":"call_a","function":{"name":"pow","arguments":"{\"x\":"}}"#)
            + chunk(#"{"function":{"arguments":"2}"}}"#)
            + chunk(#"{"function":{"name":"sqrt","arguments":"{\"x\":9}"}},{"function":{"name":"cos","arguments":"{\"x\":0}"}}"#)
            + #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"# + "\n\ndata: [DONE]\n\n"
        let events = try decode(OpenAIStreamDecoder(provider: "openai"), body, pieceSize: 9)
        let calls = events.compactMap { if case .toolCall(let call) = $0 { call } else { nil } }
        #expect(calls.map(\.name) == ["pow", "sqrt", "cos"])
        #expect(calls.map(\.argumentsText) == [#"{"x":2}"#, #"{"x":9}"#, #"{"x":0}"#])
        #expect(calls.first?.id == "call_a")
        #expect(Set(calls.map(\.id)).count == 3, "generated ids are distinct")
    }

    @Test("a server that repeats the same id in every fragment of one call keeps one call")
    func repeatedSameID() throws {
        func chunk(_ arguments: String) -> String {
            #"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_same","function":{"name":"pow","arguments":"\#(arguments)"}}]},"finish_reason":null}]}"#
                + "\n\n"
        }
        let body = chunk(#"{\"x\":2,"#) + chunk(#"\"y\":3}"#) + "data: [DONE]\n\n"
        let events = try decode(OpenAIStreamDecoder(provider: "openai"), body, pieceSize: 64)
        let calls = events.compactMap { if case .toolCall(let call) = $0 { call } else { nil } }
        #expect(calls == [ToolCall(id: "call_same", name: "pow", argumentsText: #"{"x":2,"y":3}"#)])
    }
}
