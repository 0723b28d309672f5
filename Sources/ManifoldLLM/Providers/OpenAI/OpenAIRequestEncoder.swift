import ManifoldJSON

/// Builds the JSON body of a streaming Chat Completions request.
enum OpenAIRequestEncoder {
    /// The body for `request` with the resolved `model`.
    ///
    /// `max_tokens` is used for ordinary models because every compatible server (Ollama,
    /// vLLM, llama.cpp, LM Studio) accepts it; a reasoning model (see `OpenAIReasoning`) gets
    /// `max_completion_tokens` and no `temperature` or `top_p` (the caller refused values
    /// other than the default). Members of `extraBody` are added where the host sets none;
    /// the request's own `extraBody` then overrides anything.
    static func body(
        for request: ChatRequest, model: String, reasoning: OpenAIReasoning = OpenAIReasoning(),
        extraBody: [String: JSONValue] = [:]
    ) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(request.messages.map(message)),
            "stream": true,
            // Without this the stream carries no token counts at all.
            "stream_options": ["include_usage": true],
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map(ProviderSupport.functionTool))
        }
        if let choice = request.toolChoice { body["tool_choice"] = toolChoice(choice) }
        if reasoning.appliesTo(model: model) {
            var sampling = request
            sampling.temperature = nil
            sampling.topP = nil
            body.merge(
                ProviderSupport.sampling(
                    sampling, temperature: "temperature", topP: "top_p", maxTokens: "max_completion_tokens", stop: "stop")
            ) { _, new in new }
        } else {
            body.merge(
                ProviderSupport.sampling(request, temperature: "temperature", topP: "top_p", maxTokens: "max_tokens", stop: "stop")
            ) { _, new in new }
        }
        if let effort = reasoning.reasoningEffort { body["reasoning_effort"] = .string(effort) }
        body.merge(extraBody) { host, _ in host }
        body.merge(request.extraBody) { _, new in new }
        return .object(body)
    }

    static func message(_ message: ChatMessage) -> JSONValue {
        switch message.role {
        case .system, .user:
            return ["role": .string(message.role.rawValue), "content": .string(message.content)]
        case .assistant:
            var object: [String: JSONValue] = ["role": "assistant"]
            // OpenAI wants `null`, not "", for an assistant turn that only called tools.
            object["content"] = message.content.isEmpty && !message.toolCalls.isEmpty ? .null : .string(message.content)
            if !message.toolCalls.isEmpty {
                object["tool_calls"] = .array(message.toolCalls.map(toolCall))
            }
            return .object(object)
        case .tool:
            return [
                "role": "tool",
                "tool_call_id": .string(message.toolCallID ?? ""),
                "content": .string(message.content),
            ]
        }
    }

    /// Replays the model's own argument text when it was valid JSON; invalid text becomes
    /// `{}` because compatible servers that parse it (vLLM, Ollama) reject the request.
    static func toolCall(_ call: ToolCall) -> JSONValue {
        [
            "id": .string(call.id),
            "type": "function",
            "function": [
                "name": .string(call.name),
                "arguments": .string(call.hasValidArguments ? call.argumentsText : "{}"),
            ],
        ]
    }

    static func toolChoice(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: return "auto"
        case .none: return "none"
        case .required: return "required"
        case .tool(let name): return ["type": "function", "function": ["name": .string(name)]]
        }
    }
}
