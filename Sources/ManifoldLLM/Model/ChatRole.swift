/// Who wrote a message in a conversation.
public enum ChatRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Instructions that frame the whole conversation.
    case system
    /// A person's turn.
    case user
    /// The model's turn: text, tool calls, or both.
    case assistant
    /// The result of one tool call, answering an assistant's `ToolCall` by its id.
    case tool
}
