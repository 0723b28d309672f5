import Foundation
import Testing
@testable import ManifoldLLM

/// The decoders read the per-token chunks with `JSONScanner` and every other chunk as a
/// `JSONValue`. A member `"pad": 1e0` (valid JSON the scanner declines) sends a chunk down the
/// general path without changing its meaning, so each stream is decoded both ways and the
/// events must agree.
@Suite("Stream decoders: scanned chunks and parsed chunks agree")
struct ChunkScanningTests {
    /// `text` with `"pad": 1e0` added to every JSON object that opens a line or an SSE `data:`.
    static func padded(_ text: String) -> String {
        text.replacingOccurrences(of: "data: {", with: #"data: {"pad": 1e0, "#)
            .replacingOccurrences(of: "\n{", with: "\n{\"pad\": 1e0, ")
    }

    /// One-token deltas as a local server streams them, escapes included.
    static func openAITokens(_ tokens: [String]) -> String {
        var body = #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#
            + "\n\n"
        for token in tokens {
            let content = String(decoding: JSONValue.string(token).serialized(), as: UTF8.self)
            body += #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp","choices":[{"index":0,"delta":{"content":\#(content)},"logprobs":null,"finish_reason":null}]}"#
                + "\n\n"
        }
        body += #"data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n"
        body += #"data: {"id":"c","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"prompt_tokens_details":{"cached_tokens":2}}}"# + "\n\n"
        return body + "data: [DONE]\n\n"
    }

    static let tokens = ["Hel", "lo", " \"quoted\"", "\n", "\\", "\u{1}", "é", "🌍", "\u{2028}", "👩‍👩‍👧"]

    func bothWays<D: ChatStreamDecoder>(_ make: () -> D, _ body: String) throws {
        for size in [1, 7, 64, Int.max] {
            let scanned = Self.withoutGeneratedIDs(try decode(make(), body, pieceSize: size))
            let parsed = Self.withoutGeneratedIDs(try decode(make(), Self.padded(body), pieceSize: size))
            #expect(scanned == parsed, "pieces of \(size) bytes")
            #expect(scanned.contains { if case .finished = $0 { true } else { false } })
        }
    }

    /// The events with the ids of tool calls blanked: calls without a server id (Ollama's)
    /// get a random one.
    static func withoutGeneratedIDs(_ events: [ChatStreamEvent]) -> [ChatStreamEvent] {
        func blank(_ call: ToolCall) -> ToolCall {
            var call = call
            call.id = ""
            return call
        }
        return events.map { event in
            switch event {
            case .toolCallStarted(let index, _, let name): return .toolCallStarted(index: index, id: "", name: name)
            case .toolCall(let call): return .toolCall(blank(call))
            case .finished(let reason, var message):
                message.toolCalls = message.toolCalls.map(blank)
                return .finished(reason, message)
            default: return event
            }
        }
    }

    @Test func openAIOneTokenDeltas() throws {
        let events = try decode(OpenAIStreamDecoder(provider: "openai"), Self.openAITokens(Self.tokens), pieceSize: 5)
        #expect(events.compactMap { if case .textDelta(let text) = $0 { text } else { nil } } == Self.tokens)
        #expect(events.suffix(2).first == .usage(Usage(inputTokens: 3, outputTokens: 4, cacheReadInputTokens: 2)))
        #expect(events.last == .finished(.stop, .assistant(Self.tokens.joined())))
        try bothWays({ OpenAIStreamDecoder(provider: "openai") }, Self.openAITokens(Self.tokens))
    }

    @Test func openAIFixtures() throws {
        for body in [Fixtures.openAIText, Fixtures.openAIParallelTools] {
            try bothWays({ OpenAIStreamDecoder(provider: "openai") }, body)
        }
        for name in ["openai-refusal", "openai-parallel-repeated-index", "openai-reasoning", "ollama-v1-parallel-no-index"] {
            try bothWays({ OpenAIStreamDecoder(provider: "openai") }, try recordedStream(name))
        }
    }

    @Test func anthropicFixtures() throws {
        for body in [Fixtures.anthropicText, Fixtures.anthropicToolUse, try recordedStream("anthropic-cache-usage"), try recordedStream("anthropic-refusal")] {
            try bothWays({ AnthropicStreamDecoder(provider: "anthropic") }, body)
        }
    }

    @Test func ollamaFixtures() throws {
        for body in [Fixtures.ollamaText, Fixtures.ollamaToolCall] {
            try bothWays({ OllamaStreamDecoder(provider: "ollama") }, "\n" + body)
        }
    }

    @Test("a malformed chunk after scanned ones is still named, and the text before it still arrives")
    func malformedChunkAfterScannedOnes() {
        let body = Self.openAITokens(["Hi"]).replacingOccurrences(of: #"data: {"id":"c","choices":[{"index":0,"delta":{},"#, with: #"data: {"id":"c","choices":[{"index":0,"delta":{,"#)
        var events: [ChatStreamEvent] = []
        var decoder = OpenAIStreamDecoder(provider: "openai")
        #expect {
            try decoder.consume(Array(body.utf8)) { events.append($0) }
        } throws: { error in
            guard case ProviderError.malformedStream(_, let expected, let snippet) = error else { return false }
            return expected.contains("chat.completion.chunk") && snippet.contains(#""delta":{,"#)
        }
        #expect(events == [.textDelta("Hi")])
    }

    @Test("an error member after scanned chunks is reported as the server's error")
    func errorAfterScannedChunks() {
        let body = Self.openAITokens(["Hi"]).replacingOccurrences(
            of: #"data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
            with: #"data: {"error":{"type":"overloaded","message":"try later"}}"#)
        var decoder = OpenAIStreamDecoder(provider: "openai")
        #expect {
            try decoder.consume(Array(body.utf8)) { _ in }
        } throws: { error in
            guard case ProviderError.streamError(_, let type, let message) = error else { return false }
            return type == "overloaded" && message == "try later"
        }
    }

    @Test("the token limit still cuts a scanned stream")
    func tokenLimit() throws {
        var settings = DecoderSettings(provider: "openai")
        settings.maxOutputTokens = 2
        let events = try decode(OpenAIStreamDecoder(settings), Self.openAITokens(Self.tokens), pieceSize: 11)
        #expect(events == [.textDelta("Hel"), .textDelta("lo"), .finished(.length, .assistant("Hello"))])
    }
}
