/// A whole answer, gathered from a stream by `ChatProvider.complete(_:)`.
public struct ChatResponse: Sendable, Hashable {
    /// The assistant message to append to the conversation.
    public var message: ChatMessage
    /// Why the model stopped.
    public var finishReason: FinishReason
    /// Tokens used, when the provider reported them.
    public var usage: Usage?

    /// Creates a response.
    public init(message: ChatMessage, finishReason: FinishReason, usage: Usage?) {
        self.message = message
        self.finishReason = finishReason
        self.usage = usage
    }
}
