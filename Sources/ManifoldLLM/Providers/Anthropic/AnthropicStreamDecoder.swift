import ManifoldJSON

/// Decodes the Messages API's named SSE events, which end with `message_stop`.
package struct AnthropicStreamDecoder: ChatStreamDecoder {
    private enum Block {
        case text
        case toolUse
        /// Thinking, server tool use and future kinds: not part of the answer this module models.
        case other
    }

    private let settings: DecoderSettings
    private var provider: String { settings.provider }
    private var sse: SSEParser
    private var answer: AnswerBuilder
    private var blocks: [Int: Block] = [:]
    /// The usage counts as last reported, each on its own: an event may carry any subset.
    private var inputTokens: Int?
    private var cacheCreationInputTokens: Int?
    private var cacheReadInputTokens: Int?
    private var outputTokens: Int?
    package private(set) var isComplete = false
    package private(set) var endedEarly = false
    package let terminator = "event: message_stop"

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
            try parser.feed(bytes) { name, data, id in
                guard !isComplete else { return }
                if settings.scansChunks, let delta = AnthropicDeltaEvent.scan(event: name, data) {
                    apply(delta, emit: emit)
                } else {
                    try handle(SSEEvent(event: name, data: String(decoding: data, as: UTF8.self), id: id)).forEach(emit)
                }
                if answer.reachedOutputLimit, !isComplete {
                    isComplete = true
                    endedEarly = true
                    answer.usage = usage
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

    /// What `handle(_:)` does with a `content_block_delta` or a `ping`.
    private mutating func apply(_ event: AnthropicDeltaEvent, emit: (ChatStreamEvent) -> Void) {
        guard event.type == "content_block_delta", let index = event.index else { return }
        switch (blocks[index], event.deltaType) {
        case (.text, "text_delta"):
            if let text = answer.textEvent(event.text ?? "") { emit(text) }
        case (.toolUse, "input_json_delta"):
            answer.toolFragment(key: index, id: nil, name: nil, arguments: event.partialJSON).forEach(emit)
        default:
            break
        }
    }

    /// The general path: every event, and the errors of those that are not one.
    private mutating func handle(_ frame: SSEEvent) throws -> [ChatStreamEvent] {
        let payload = try ProviderSupport.object(from: frame.data, settings: settings, expected: "a JSON event payload")
        // The event name and the payload's `type` agree; the name is what the API documents.
        let type = frame.event != "message" ? frame.event : (payload["type"]?.stringValue ?? "")
        let index = payload["index"]?.integerValue.map { Int(clamping: $0) }

        switch type {
        case "message_start":
            if let usage = payload["message"]?["usage"] { record(usage) }
            return []
        case "content_block_start":
            guard let index, let block = payload["content_block"] else {
                throw malformed("content_block_start with an index and a content_block", payload)
            }
            switch block["type"]?.stringValue {
            case "text":
                blocks[index] = .text
                return answer.text(block["text"]?.stringValue ?? "")
            case "tool_use":
                blocks[index] = .toolUse
                return answer.toolFragment(
                    key: index, id: block["id"]?.stringValue, name: block["name"]?.stringValue, arguments: nil)
            default:
                blocks[index] = .other
                return []
            }
        case "content_block_delta":
            guard let index, let delta = payload["delta"] else {
                throw malformed("content_block_delta with an index and a delta", payload)
            }
            switch (blocks[index], delta["type"]?.stringValue) {
            case (.text, "text_delta"):
                return answer.text(delta["text"]?.stringValue ?? "")
            case (.toolUse, "input_json_delta"):
                return answer.toolFragment(key: index, id: nil, name: nil, arguments: delta["partial_json"]?.stringValue)
            default:
                return []
            }
        case "content_block_stop":
            guard let index, blocks[index] == .toolUse else { return [] }
            return try answer.tools.complete(key: index, provider: provider)
        case "message_delta":
            if let reason = payload["delta"]?["stop_reason"]?.stringValue {
                answer.finishReason = Self.finishReason(reason)
            }
            if let usage = payload["usage"] { record(usage) }
            return []
        case "message_stop":
            isComplete = true
            answer.usage = usage
            return try answer.finish()
        case "error":
            let error = payload["error"]
            throw ProviderError.streamError(
                provider: provider,
                type: error?["type"]?.stringValue ?? "error",
                message: ProviderSupport.streamErrorMessage(error, fallback: frame.data, secrets: settings.secrets)
            )
        default:
            // `ping` keep-alives, and event types added to the API later, which it says to
            // ignore.
            return []
        }
    }

    /// Usage counts are cumulative and each field is reported on its own: `message_start`
    /// carries the input counts, `message_delta` the output count and sometimes the input
    /// counts again, with or without the cache fields. So each field present replaces its own
    /// earlier value, and a field absent keeps it, as the official SDKs do.
    private mutating func record(_ usage: JSONValue) {
        func update(_ field: inout Int?, _ name: String) {
            if let value = usage[name], value != .null { field = ProviderSupport.count(value) }
        }
        update(&inputTokens, "input_tokens")
        update(&cacheCreationInputTokens, "cache_creation_input_tokens")
        update(&cacheReadInputTokens, "cache_read_input_tokens")
        update(&outputTokens, "output_tokens")
    }

    /// The usage so far, `nil` before any count arrived. `inputTokens` is the whole prompt:
    /// `input_tokens` counts only what follows the last cache breakpoint, so the cached parts
    /// are added, as the SDKs do for the total input.
    private var usage: Usage? {
        guard inputTokens != nil || cacheCreationInputTokens != nil || cacheReadInputTokens != nil || outputTokens != nil else {
            return nil
        }
        return Usage(
            inputTokens: (inputTokens ?? 0) + (cacheCreationInputTokens ?? 0) + (cacheReadInputTokens ?? 0),
            outputTokens: outputTokens ?? 0,
            cacheReadInputTokens: cacheReadInputTokens,
            cacheCreationInputTokens: cacheCreationInputTokens)
    }

    private func malformed(_ expected: String, _ payload: JSONObject) -> ProviderError {
        .malformedStream(
            provider: provider, expected: expected, snippet: Snippet.make(JSONValue.object(payload).jsonText, secrets: settings.secrets))
    }

    static func finishReason(_ name: String) -> FinishReason {
        switch name {
        case "end_turn", "stop_sequence": return .stop
        case "max_tokens": return .length
        case "tool_use": return .toolCalls
        case "refusal": return .refusal
        default: return .other(name)
        }
    }
}
