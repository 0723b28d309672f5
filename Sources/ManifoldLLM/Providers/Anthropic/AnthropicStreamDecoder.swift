import ManifoldJSON

/// Decodes the Messages API's named SSE events, which end with `message_stop`.
struct AnthropicStreamDecoder: ChatStreamDecoder {
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
    private var inputTokens = 0
    private var outputTokens = 0
    private(set) var isComplete = false
    private(set) var endedEarly = false
    let terminator = "event: message_stop"

    init(_ settings: DecoderSettings) {
        self.settings = settings
        sse = SSEParser(maxLineBytes: settings.maxEventBytes, maxEventBytes: settings.maxEventBytes)
        answer = AnswerBuilder(settings)
    }

    init(provider: String) {
        self.init(DecoderSettings(provider: provider))
    }

    mutating func consume<Bytes: Sequence<UInt8>>(_ bytes: Bytes, emit: (ChatStreamEvent) -> Void) throws {
        let frames: [SSEEvent]
        do {
            frames = try sse.feed(bytes)
        } catch {
            throw ProviderSupport.malformed(error, provider: provider, expected: "server-sent events")
        }
        for frame in frames where !isComplete {
            try handle(frame).forEach(emit)
            if answer.reachedOutputLimit, !isComplete {
                isComplete = true
                endedEarly = true
                if inputTokens > 0 || outputTokens > 0 { answer.usage = Usage(inputTokens: inputTokens, outputTokens: outputTokens) }
                answer.finishAtOutputLimit().forEach(emit)
            }
        }
    }

    mutating func finish(emit: (ChatStreamEvent) -> Void) throws {
        // An event the body did not close with a blank line is dropped (as the SSE
        // specification says), so nothing can be emitted here.
        sse.finish()
        guard isComplete else {
            throw ProviderError.streamTruncated(provider: provider, expected: terminator, reason: nil)
        }
    }

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
            answer.usage = Usage(inputTokens: inputTokens, outputTokens: outputTokens)
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

    /// Usage counts are cumulative: a later report replaces an earlier one. Cached prompt
    /// tokens are reported apart from `input_tokens`; they are added so that `inputTokens`
    /// is the whole prompt, as OpenAI counts it.
    private mutating func record(_ usage: JSONValue) {
        if usage["input_tokens"] != nil {
            inputTokens = ProviderSupport.count(usage["input_tokens"])
                + ProviderSupport.count(usage["cache_creation_input_tokens"])
                + ProviderSupport.count(usage["cache_read_input_tokens"])
        }
        if usage["output_tokens"] != nil {
            outputTokens = ProviderSupport.count(usage["output_tokens"])
        }
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
        case "refusal": return .contentFilter
        default: return .other(name)
        }
    }
}
