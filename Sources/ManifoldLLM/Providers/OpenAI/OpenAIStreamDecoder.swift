import Foundation
import ManifoldJSON

/// Decodes the SSE stream of `chat.completion.chunk`s that ends with `data: [DONE]`.
package struct OpenAIStreamDecoder: ChatStreamDecoder {
    private let settings: DecoderSettings
    private var provider: String { settings.provider }
    private var sse: SSEParser
    private var answer: AnswerBuilder
    package private(set) var isComplete = false
    package private(set) var endedEarly = false
    package let terminator = "data: [DONE]"

    /// A decoder for one response body, with `settings`' provider name, secrets and limits.
    package init(_ settings: DecoderSettings) {
        self.settings = settings
        sse = SSEParser(maxLineBytes: settings.maxEventBytes, maxEventBytes: settings.maxEventBytes)
        answer = AnswerBuilder(settings)
    }

    init(provider: String) {
        self.init(DecoderSettings(provider: provider))
    }

    package mutating func consume<Bytes: Sequence<UInt8>>(_ bytes: Bytes, emit: (ChatStreamEvent) -> Void) throws {
        // The parser is moved out while it calls back into this decoder (see SSEParser.feed).
        var parser = SSEParser(maxLineBytes: 0, maxEventBytes: 0)
        swap(&parser, &sse)
        defer { swap(&parser, &sse) }
        do {
            try parser.feed(bytes) { _, data, _ in
                guard !isComplete else { return }
                try handle(data, emit: emit)
                if answer.reachedOutputLimit, !isComplete {
                    isComplete = true
                    endedEarly = true
                    answer.finishAtOutputLimit().forEach(emit)
                }
            }
        } catch let error as FramingError {
            // Bytes after the end of the answer are never read as events (in a later read the
            // HTTP layer drains them unseen), so a line too long among them must not turn an
            // answer already finished into an error.
            if isComplete { return }
            throw ProviderSupport.malformed(error, provider: provider, expected: "server-sent events")
        }
    }

    package mutating func finish(emit: (ChatStreamEvent) -> Void) throws {
        // An event the body did not close with a blank line is dropped (as the SSE
        // specification says), so nothing can be emitted here.
        sse.finish()
        guard isComplete else {
            throw ProviderError.streamTruncated(provider: provider, expected: terminator, reason: nil)
        }
    }

    /// One event's data: `[DONE]`, or a chunk read by `OpenAIChunk` where it can, else as a
    /// `JSONValue`.
    private mutating func handle(_ bytes: UnsafeBufferPointer<UInt8>, emit: (ChatStreamEvent) -> Void) throws {
        let data = ProviderSupport.trimmingSpaces(bytes)
        if data.elementsEqual("[DONE]".utf8) {
            isComplete = true
            return try answer.finish().forEach(emit)
        }
        if settings.scansChunks, let chunk = OpenAIChunk.scan(data) { return try apply(chunk, emit: emit) }
        try handle(String(decoding: bytes, as: UTF8.self)).forEach(emit)
    }

    /// What `handle(_: String)` does with a chunk's choice, for a chunk `OpenAIChunk` read.
    private mutating func apply(_ chunk: OpenAIChunk, emit: (ChatStreamEvent) -> Void) throws {
        guard chunk.hasChoice else { return }
        if let text = chunk.content, let event = answer.textEvent(text) { emit(event) }
        if let refusal = chunk.refusal { answer.refusal(refusal).forEach(emit) }
        for (position, fragment) in chunk.toolFragments.enumerated() {
            answer.toolFragment(
                key: fragment.index, id: fragment.id, name: fragment.name, arguments: fragment.arguments,
                startsNewCall: position > 0
            ).forEach(emit)
        }
        if let reason = chunk.finishReason {
            answer.finishReason = Self.finishReason(reason)
            try answer.tools.completeAll(provider: provider).forEach(emit)
        }
    }

    /// The general path: any chunk, and the errors of those that are not one.
    private mutating func handle(_ frame: String) throws -> [ChatStreamEvent] {
        let data = frame.trimmingCharacters(in: .whitespaces)
        if data == "[DONE]" {
            isComplete = true
            return try answer.finish()
        }
        let chunk = try ProviderSupport.object(from: data, settings: settings, expected: "a JSON chat.completion.chunk or [DONE]")
        // Compatible servers (vLLM, LiteLLM, OpenRouter) report failures after HTTP 200 as an
        // `error` member, sometimes under `event: error`.
        if let error = chunk["error"], error != .null {
            throw ProviderError.streamError(
                provider: provider,
                type: error["type"]?.stringValue ?? error["code"]?.stringValue ?? "error",
                message: ProviderSupport.streamErrorMessage(error, fallback: "", secrets: settings.secrets)
            )
        }
        if let usage = chunk["usage"]?.objectValue {
            answer.usage = Self.usage(usage)
        }
        var events: [ChatStreamEvent] = []
        // Only the first choice is followed: requests never ask for `n` > 1.
        for choice in chunk["choices"]?.arrayValue ?? [] where (choice["index"]?.integerValue ?? 0) == 0 {
            if let delta = choice["delta"] {
                if let text = delta["content"]?.stringValue { events += answer.text(text) }
                // A refusal comes as its own content field, with `finish_reason: stop`.
                if let refusal = delta["refusal"]?.stringValue { events += answer.refusal(refusal) }
                for (position, fragment) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
                    let function = fragment["function"]
                    events += answer.toolFragment(
                        key: fragment["index"]?.integerValue.map { Int(clamping: $0) },
                        id: fragment["id"]?.stringValue,
                        name: function?["name"]?.stringValue,
                        arguments: function?["arguments"]?.stringValue,
                        // Two entries of one chunk are two calls, even without index or id.
                        startsNewCall: position > 0
                    )
                }
            }
            if let reason = choice["finish_reason"]?.stringValue {
                answer.finishReason = Self.finishReason(reason)
                // No more fragments come after a finish reason: hand the calls over now rather
                // than after the usage chunk.
                events += try answer.tools.completeAll(provider: provider)
            }
        }
        return events
    }

    /// The usage of a chunk: `prompt_tokens` is the whole prompt, and the cached part of it is
    /// in `prompt_tokens_details.cached_tokens` when the server reports it.
    static func usage(_ usage: JSONObject) -> Usage {
        Usage(
            inputTokens: ProviderSupport.count(usage["prompt_tokens"]),
            outputTokens: ProviderSupport.count(usage["completion_tokens"]),
            cacheReadInputTokens: usage["prompt_tokens_details"]?["cached_tokens"]?.integerValue.map { Int(clamping: $0) }
        )
    }

    static func finishReason(_ name: String) -> FinishReason {
        switch name {
        case "stop": return .stop
        case "length": return .length
        case "tool_calls", "function_call": return .toolCalls
        case "content_filter": return .contentFilter
        default: return .other(name)
        }
    }
}
