import Foundation
import Testing
@testable import ManifoldLLM

@Suite("prompt cache usage")
struct CacheUsageTests {
    @Test("Anthropic: message_delta with input_tokens but no cache fields keeps the cache counts of message_start")
    func anthropicCacheCountsSurviveMessageDelta() async throws {
        try await withServer([.sse(try recordedStream("anthropic-cache-usage"), chunking: .every(17))]) { server in
            let provider = AnthropicProvider(settings: testSettings(server, path: "/v1"))
            let result = await collect(provider.stream(ChatRequest(messages: [.user("When does the contract renew?")])))
            #expect(result.error == nil)
            #expect(result.text == "The contract renews on 1 March.")
            // The whole prompt: 14 after the breakpoint + 1830 written to the cache + 10240 read from it.
            #expect(result.usage == Usage(inputTokens: 12_084, outputTokens: 9, cacheReadInputTokens: 10_240, cacheCreationInputTokens: 1830))
        }
    }

    @Test("Anthropic: each usage field is updated on its own, a later report of a field replaces it")
    func anthropicFieldsUpdateSeparately() throws {
        let body = """
            event: message_start
            data: {"type":"message_start","message":{"usage":{"input_tokens":5,"cache_read_input_tokens":100,"output_tokens":1}}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"cache_creation_input_tokens":7,"output_tokens":3}}

            event: message_delta
            data: {"type":"message_delta","delta":{},"usage":{"input_tokens":6,"output_tokens":4}}

            event: message_stop
            data: {"type":"message_stop"}


            """
        let events = try decode(AnthropicStreamDecoder(provider: "anthropic"), body, pieceSize: 23)
        let usage = events.compactMap { if case .usage(let usage) = $0 { usage } else { nil } }
        #expect(usage == [Usage(inputTokens: 113, outputTokens: 4, cacheReadInputTokens: 100, cacheCreationInputTokens: 7)])
    }

    @Test("Anthropic: a stream that reports no usage reports none, rather than zeros")
    func anthropicWithoutUsage() throws {
        let body = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        let events = try decode(AnthropicStreamDecoder(provider: "anthropic"), body, pieceSize: 64)
        #expect(!events.contains { if case .usage = $0 { true } else { false } })
        #expect(events.last == .finished(.stop, .assistant("")))
    }

    @Test("OpenAI: prompt_tokens_details.cached_tokens is the cache-read part of the prompt")
    func openAICachedTokens() async throws {
        try await withServer([.sse(try recordedStream("openai-reasoning"))]) { server in
            let provider = OpenAIChatProvider(settings: testSettings(server, path: "/v1", model: "o4-mini"))
            let result = await collect(provider.stream(ChatRequest(messages: [.user("6 times 7?")])))
            #expect(result.usage == Usage(inputTokens: 1280, outputTokens: 214, cacheReadInputTokens: 1024))
        }
    }
}
