import ManifoldJSON

/// Builds the JSON body of a streaming `/api/chat` request.
enum OllamaRequestEncoder {
    /// The body for `request` with the resolved `model`.
    ///
    /// Sampling settings go under `options` (`num_predict` is the token limit). Ollama has no
    /// tool-choice setting, so `toolChoice` is not sent. Members of `extraBody` are added where
    /// the host sets none, and its `options` member by member (so `num_ctx` joins the sampling
    /// options); the request's own `extraBody` then overrides anything.
    static func body(for request: ChatRequest, model: String, extraBody: [String: JSONValue] = [:]) -> JSONValue {
        // Ollama matches a tool result to its call by tool name; recover names the history's
        // tool messages did not record from the calls they answer.
        var toolNames: [String: String] = [:]
        for message in request.messages {
            for call in message.toolCalls { toolNames[call.id] = call.name }
        }

        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(request.messages.map { message($0, toolNames: toolNames) }),
            "stream": true,
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map(ProviderSupport.functionTool))
        }
        var options = ProviderSupport.sampling(
            request, temperature: "temperature", topP: "top_p", maxTokens: "num_predict", stop: "stop")
        var extra = extraBody
        if let configured = extra.removeValue(forKey: "options")?.objectValue {
            options.merge(configured.dictionary) { host, _ in host }
        }
        if !options.isEmpty { body["options"] = .object(options) }
        body.merge(extra) { host, _ in host }
        body.merge(request.extraBody) { _, new in new }
        return .object(body)
    }

    private static func message(_ message: ChatMessage, toolNames: [String: String]) -> JSONValue {
        var object: [String: JSONValue] = [
            "role": .string(message.role.rawValue),
            "content": .string(message.content),
        ]
        if !message.toolCalls.isEmpty {
            object["tool_calls"] = .array(
                message.toolCalls.map { call in
                    ["function": ["name": .string(call.name), "arguments": call.argumentsObject]]
                })
        }
        if message.role == .tool, let name = message.toolName ?? message.toolCallID.flatMap({ toolNames[$0] }) {
            object["tool_name"] = .string(name)
        }
        return .object(object)
    }
}
