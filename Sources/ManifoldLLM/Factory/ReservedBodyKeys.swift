import ManifoldJSON

extension ProviderFactory {
    /// The body members each provider sets itself, and the setting that controls each one
    /// (`nil`: the conversation or the stream protocol). `extraBody` may not set them: a
    /// configuration that did would override the host in some requests and not in others.
    /// Members a request sets only when asked (`top_p`, `stop`) are not listed: the agent
    /// never sets them, so `extraBody` may; a request that does set one keeps its own value.
    public static func reservedBodyKeys(_ kind: ProviderKind) -> [String: String?] {
        switch kind {
        case .openai:
            return [
                "model": "model", "messages": nil, "stream": nil, "stream_options": nil, "tools": nil, "tool_choice": nil,
                "temperature": "temperature", "max_tokens": "maxTokens",
                "max_completion_tokens": "maxTokens", "reasoning_effort": "reasoningEffort",
            ]
        case .anthropic:
            return [
                "model": "model", "messages": nil, "system": "systemPrompt", "stream": nil, "tools": nil, "tool_choice": nil,
                "max_tokens": "maxTokens", "temperature": "temperature",
            ]
        case .ollama:
            return [
                "model": "model", "messages": nil, "stream": nil, "tools": nil,
                "options.temperature": "temperature", "options.num_predict": "maxTokens",
            ]
        case .scripted:
            return [:]
        }
    }

    /// Checks `extraBody` against the members `kind` sets itself.
    static func checkExtraBody(_ extraBody: [String: JSONValue], kind: ProviderKind) throws {
        let name = kind.rawValue
        let reserved = reservedBodyKeys(kind)
        var keys = extraBody.keys.sorted()
        if kind == .ollama, let options = extraBody["options"] {
            guard let members = options.objectValue else {
                throw ProviderError.invalidConfiguration(
                    "\(name): \"extraBody.options\" must be an object (Ollama's model options, e.g. {\"num_ctx\": 8192})")
            }
            keys += members.keys.sorted().map { "options.\($0)" }
        }
        for key in keys {
            guard let setting = reserved[key] else { continue }
            let fix = setting.map { "use \"\($0)\" instead" } ?? "it comes from the conversation and the stream protocol"
            throw ProviderError.invalidConfiguration(
                "\(name): \"extraBody\" must not set \"\(key)\": the provider sets it itself; \(fix)")
        }
    }
}
