import Foundation
import Testing
@testable import ManifoldLLM

@Suite("refusals")
struct RefusalTests {
    @Test("OpenAI delta.refusal becomes the answer's text and finish reason refusal, not an empty stop")
    func openAIRefusal() async throws {
        try await withServer([.sse(try recordedStream("openai-refusal"), chunking: .every(13))]) { server in
            let provider = OpenAIChatProvider(settings: testSettings(server, path: "/v1"))
            let result = await collect(provider.stream(ChatRequest(messages: [.user("Something disallowed")])))
            #expect(result.error == nil)
            #expect(result.text == "I'm sorry, I can't help with that.")
            #expect(result.finished?.reason == .refusal)
            #expect(result.finished?.message == .assistant("I'm sorry, I can't help with that."))
            #expect(result.usage == Usage(inputTokens: 31, outputTokens: 9, cacheReadInputTokens: 0))
        }
    }

    @Test("Anthropic stop_reason refusal is finish reason refusal, with the text so far")
    func anthropicRefusal() async throws {
        try await withServer([.sse(try recordedStream("anthropic-refusal"))]) { server in
            let provider = AnthropicProvider(settings: testSettings(server, path: "/v1"))
            let result = await collect(provider.stream(ChatRequest(messages: [.user("Something disallowed")])))
            #expect(result.error == nil)
            #expect(result.finished?.reason == .refusal)
            #expect(result.text == "I can describe")
        }
    }

    @Test("the refusal reason round-trips by name")
    func refusalName() throws {
        #expect(FinishReason(name: "refusal") == .refusal)
        #expect(FinishReason.refusal.description == "refusal")
        let decoded = try JSONDecoder().decode([FinishReason].self, from: Data(#"["refusal","stop"]"#.utf8))
        #expect(decoded == [.refusal, .stop])
    }
}
