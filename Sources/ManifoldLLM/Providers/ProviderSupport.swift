import ManifoldJSON

/// Small pieces every wire encoder and decoder shares.
enum ProviderSupport {
    /// The request's model, else the configured default; a clear error when neither is set.
    static func model(for request: ChatRequest, settings: HTTPProviderSettings, provider: String) throws -> String {
        guard let model = request.model ?? settings.defaultModel, !model.isEmpty else {
            throw ProviderError.invalidConfiguration(
                "\(provider): no model: set \"model\" in the provider configuration or in the request")
        }
        return model
    }

    /// Parses one frame's JSON payload, which must be an object.
    static func object(from text: String, settings: DecoderSettings, expected: String) throws -> JSONObject {
        guard let value = try? JSONValue(parsing: text), let object = value.objectValue else {
            throw ProviderError.malformedStream(
                provider: settings.provider, expected: expected, snippet: Snippet.make(text, secrets: settings.secrets))
        }
        return object
    }

    /// `bytes` without the spaces and tabs around them: what `trimmingCharacters(in:
    /// .whitespaces)` removes from ASCII text, without making a `String`. Other whitespace
    /// (no-break spaces) is left, and the general path, which trims it, gets the event.
    static func trimmingSpaces(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// Maps a framing failure to the provider's error: a line or an event that never ends is
    /// over `maxEventBytes` (the limit of both), a non-JSON NDJSON line is malformed.
    static func malformed(_ error: FramingError, provider: String, expected: String) -> ProviderError {
        switch error {
        case .invalidJSONLine(let snippet):
            return .malformedStream(provider: provider, expected: expected, snippet: snippet)
        case .lineTooLong(let limit), .eventTooLarge(let limit):
            return .eventTooLarge(provider: provider, limit: limit)
        }
    }

    /// The message of an error a server reported inside a stream (`{"message": …}`, a bare
    /// string, or any other JSON shown as text), made safe to show.
    static func streamErrorMessage(_ error: JSONValue?, fallback: String, secrets: Secrets) -> String {
        let text = error?["message"]?.stringValue ?? error?.stringValue ?? error.map(\.jsonText) ?? fallback
        return ErrorBody.text(text, secrets: secrets)
    }

    /// A JSON integer member as `Int` (0 when absent), for token counts.
    static func count(_ value: JSONValue?) -> Int {
        value?.integerValue.map { Int(clamping: $0) } ?? 0
    }

    /// The `{"type": "function", "function": {…}}` tool shape OpenAI and Ollama share.
    static func functionTool(_ tool: ToolDefinition) -> JSONValue {
        .object([
            "type": "function",
            "function": .object([
                "name": .string(tool.name),
                "description": .string(tool.description),
                "parameters": tool.parameters,
            ]),
        ])
    }

    /// Sampling members that are set, under the given wire names.
    static func sampling(
        _ request: ChatRequest, temperature: String, topP: String, maxTokens: String?, stop: String
    ) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if let value = request.temperature { members[temperature] = .number(value) }
        if let value = request.topP { members[topP] = .number(value) }
        if let maxTokens, let value = request.maxTokens { members[maxTokens] = .integer(Int64(value)) }
        if !request.stopSequences.isEmpty { members[stop] = .array(request.stopSequences.map(JSONValue.string)) }
        return members
    }
}
