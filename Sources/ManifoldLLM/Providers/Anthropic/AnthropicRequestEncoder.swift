import ManifoldJSON

/// Builds the JSON body of a streaming Messages API request.
enum AnthropicRequestEncoder {
    /// The body for `request` with the resolved `model`; `maxTokens` fills the required
    /// `max_tokens` when the request sets none.
    /// Members of `extraBody` are added where the host sets none; the request's own
    /// `extraBody` then overrides anything.
    static func body(
        for request: ChatRequest, model: String, defaultMaxTokens: Int, extraBody: [String: JSONValue] = [:]
    ) -> JSONValue {
        var system: [String] = []
        var turns: [(role: String, blocks: [JSONValue])] = []

        // The API wants tool results of one turn inside one user message, tool results before
        // any text, and no empty text blocks; merging consecutive same-role turns gives that.
        func append(_ role: String, _ blocks: [JSONValue]) {
            guard !blocks.isEmpty else { return }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((role, blocks))
            }
        }

        for message in request.messages {
            switch message.role {
            case .system:
                if !message.content.isEmpty { system.append(message.content) }
            case .user:
                append("user", textBlocks(message.content))
            case .assistant:
                append("assistant", textBlocks(message.content) + message.toolCalls.map(toolUse))
            case .tool:
                append("user", [toolResult(message)])
            }
        }

        var body: [String: JSONValue] = [
            "model": .string(model),
            "max_tokens": .integer(Int64(request.maxTokens ?? defaultMaxTokens)),
            "messages": .array(turns.map { ["role": .string($0.role), "content": .array($0.blocks)] }),
            "stream": true,
        ]
        // The Messages API has no system role: all system messages become the top-level prompt.
        if !system.isEmpty { body["system"] = .string(system.joined(separator: "\n\n")) }
        if !request.tools.isEmpty { body["tools"] = .array(request.tools.map(tool)) }
        if let choice = request.toolChoice { body["tool_choice"] = toolChoice(choice) }
        body.merge(
            ProviderSupport.sampling(request, temperature: "temperature", topP: "top_p", maxTokens: nil, stop: "stop_sequences")
        ) { _, new in new }
        body.merge(extraBody) { host, _ in host }
        body.merge(request.extraBody) { _, new in new }
        return .object(body)
    }

    private static func textBlocks(_ text: String) -> [JSONValue] {
        text.isEmpty ? [] : [["type": "text", "text": .string(text)]]
    }

    private static func toolUse(_ call: ToolCall) -> JSONValue {
        ["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": call.argumentsObject]
    }

    private static func toolResult(_ message: ChatMessage) -> JSONValue {
        var block: [String: JSONValue] = [
            "type": "tool_result",
            "tool_use_id": .string(message.toolCallID ?? ""),
            "content": .string(message.content),
        ]
        if message.isError { block["is_error"] = true }
        return .object(block)
    }

    private static func tool(_ tool: ToolDefinition) -> JSONValue {
        ["name": .string(tool.name), "description": .string(tool.description), "input_schema": tool.parameters]
    }

    static func toolChoice(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: return ["type": "auto"]
        case .none: return ["type": "none"]
        case .required: return ["type": "any"]
        case .tool(let name): return ["type": "tool", "name": .string(name)]
        }
    }
}
