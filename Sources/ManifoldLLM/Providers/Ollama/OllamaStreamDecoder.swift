import ManifoldJSON

/// Decodes Ollama's NDJSON chat stream, which ends with a `"done": true` line.
package struct OllamaStreamDecoder: ChatStreamDecoder {
    private let settings: DecoderSettings
    private var provider: String { settings.provider }
    private var lines: NDJSONParser
    private var answer: AnswerBuilder
    /// Ollama sends each tool call whole, with no index; calls are keyed by arrival order.
    private var toolCallCount = 0
    package private(set) var isComplete = false
    package private(set) var endedEarly = false
    package let terminator = "a line with \"done\": true"

    /// A decoder for one response body, with `settings`' provider name, secrets and limits.
    package init(_ settings: DecoderSettings) {
        self.settings = settings
        lines = NDJSONParser(maxLineBytes: settings.maxEventBytes, secrets: settings.secrets)
        answer = AnswerBuilder(settings)
    }

    init(provider: String) {
        self.init(DecoderSettings(provider: provider))
    }

    package mutating func consume<Bytes: Sequence<UInt8>>(_ bytes: Bytes, emit: (ChatStreamEvent) -> Void) throws {
        // The parser is moved out while it calls back into this decoder (see SSEParser.feed).
        var parser = NDJSONParser(maxLineBytes: 0, secrets: .none)
        swap(&parser, &lines)
        defer { swap(&parser, &lines) }
        let secrets = settings.secrets
        do {
            try parser.feed(bytes) { line in
                guard !isComplete else { return }
                if settings.scansChunks, let text = OllamaTextLine.scan(line) {
                    if let event = answer.textEvent(text) { emit(event) }
                    endIfOverLimit(emit: emit)
                } else if let value = try NDJSONParser.parse(line, secrets: secrets) {
                    try handle([value], emit: emit)
                }
            }
        } catch let error as FramingError {
            // Bytes after the end of the answer are never read as events (in a later read the
            // HTTP layer drains them unseen), so a line too long among them must not turn an
            // answer already finished into an error.
            if isComplete { return }
            throw ProviderSupport.malformed(error, provider: provider, expected: "one JSON object per line")
        }
    }

    package mutating func finish(emit: (ChatStreamEvent) -> Void) throws {
        // The last line may lack its newline; it can still be the `done` line.
        let values: [JSONValue]
        do {
            values = try lines.finish()
        } catch {
            throw ProviderSupport.malformed(error, provider: provider, expected: "one JSON object per line")
        }
        try handle(values, emit: emit)
        guard isComplete else {
            throw ProviderError.streamTruncated(provider: provider, expected: terminator, reason: nil)
        }
    }

    private mutating func handle(_ values: [JSONValue], emit: (ChatStreamEvent) -> Void) throws {
        for value in values where !isComplete {
            try handle(value).forEach(emit)
            endIfOverLimit(emit: emit)
        }
    }

    private mutating func endIfOverLimit(emit: (ChatStreamEvent) -> Void) {
        guard answer.reachedOutputLimit, !isComplete else { return }
        isComplete = true
        endedEarly = true
        answer.finishAtOutputLimit().forEach(emit)
    }

    private mutating func handle(_ value: JSONValue) throws -> [ChatStreamEvent] {
        guard let line = value.objectValue else {
            throw ProviderError.malformedStream(
                provider: provider, expected: "one JSON object per line", snippet: Snippet.make(value.jsonText, secrets: settings.secrets))
        }
        if let error = line["error"] {
            throw ProviderError.streamError(
                provider: provider, type: "error", message: ProviderSupport.streamErrorMessage(error, fallback: "", secrets: settings.secrets))
        }
        var events: [ChatStreamEvent] = []
        if let message = line["message"] {
            events += answer.text(message["content"]?.stringValue ?? "")
            for call in message["tool_calls"]?.arrayValue ?? [] {
                let function = call["function"]
                // Arguments come as an object; some versions and proxies send a JSON string.
                let arguments = function?["arguments"].map { $0.stringValue ?? $0.jsonText } ?? "{}"
                let key = toolCallCount
                toolCallCount += 1
                events += answer.toolFragment(
                    key: key, id: call["id"]?.stringValue, name: function?["name"]?.stringValue, arguments: arguments)
                events += try answer.tools.complete(key: key, provider: provider)
            }
        }
        if line["done"]?.boolValue == true {
            isComplete = true
            if let reason = line["done_reason"]?.stringValue { answer.finishReason = Self.finishReason(reason) }
            if line["prompt_eval_count"] != nil || line["eval_count"] != nil {
                answer.usage = Usage(
                    inputTokens: ProviderSupport.count(line["prompt_eval_count"]),
                    outputTokens: ProviderSupport.count(line["eval_count"])
                )
            }
            events += try answer.finish()
        }
        return events
    }

    static func finishReason(_ name: String) -> FinishReason {
        switch name {
        case "stop": return .stop
        case "length": return .length
        default: return .other(name)
        }
    }
}
