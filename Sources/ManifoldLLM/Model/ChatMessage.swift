/// One message of a conversation, in a provider-neutral shape.
///
/// Every provider maps this to its own wire format: OpenAI keeps tool results as `tool` role
/// messages, Anthropic turns them into `tool_result` blocks of a user message, and so on. Callers
/// therefore keep one history and can switch providers between turns.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who wrote the message.
    public var role: ChatRole
    /// The text of the message; may be empty for an assistant turn that only calls tools.
    public var content: String
    /// The tool calls an assistant message made, in the order the model emitted them.
    public var toolCalls: [ToolCall]
    /// For a `tool` message: the id of the `ToolCall` this message answers.
    public var toolCallID: String?
    /// For a `tool` message: the name of the tool that ran. Ollama matches results by name;
    /// the other providers go by `toolCallID`.
    public var toolName: String?
    /// For a `tool` message: whether `content` describes a failure. Anthropic passes this on to
    /// the model as `is_error`; the other wire formats have no such flag.
    public var isError: Bool

    /// Creates a message from its parts; the static helpers below are usually handier.
    public init(
        role: ChatRole,
        content: String,
        toolCalls: [ToolCall] = [],
        toolCallID: String? = nil,
        toolName: String? = nil,
        isError: Bool = false
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.toolName = toolName
        self.isError = isError
    }

    /// A system prompt.
    public static func system(_ content: String) -> ChatMessage {
        ChatMessage(role: .system, content: content)
    }

    /// A user's turn.
    public static func user(_ content: String) -> ChatMessage {
        ChatMessage(role: .user, content: content)
    }

    /// An assistant's turn, as replayed in the history of a later request.
    public static func assistant(_ content: String, toolCalls: [ToolCall] = []) -> ChatMessage {
        ChatMessage(role: .assistant, content: content, toolCalls: toolCalls)
    }

    /// The result of running the tool that `callID` asked for.
    public static func tool(callID: String, name: String? = nil, content: String, isError: Bool = false) -> ChatMessage {
        ChatMessage(role: .tool, content: content, toolCallID: callID, toolName: name, isError: isError)
    }

    private enum CodingKeys: String, CodingKey {
        case role, content, toolCalls, toolCallID, toolName, isError
    }

    /// Decodes a message; every key but `role` may be missing so that hand-written histories
    /// (`{"role": "user", "content": "hi"}`) load as they read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(ChatRole.self, forKey: .role)
        content = try container.decodeIfPresent(String.self, forKey: .content) ?? ""
        toolCalls = try container.decodeIfPresent([ToolCall].self, forKey: .toolCalls) ?? []
        toolCallID = try container.decodeIfPresent(String.self, forKey: .toolCallID)
        toolName = try container.decodeIfPresent(String.self, forKey: .toolName)
        isError = try container.decodeIfPresent(Bool.self, forKey: .isError) ?? false
    }
}
