/// One step of a streamed answer.
///
/// Order guarantees, for every provider: `toolCallStarted` for an index comes before its
/// `toolCallArgumentsDelta`s, which come before its `toolCall`; `usage` (when the provider
/// reports it) comes before `finished`; `finished` is the last event of a successful stream.
public enum ChatStreamEvent: Sendable, Hashable {
    /// A piece of the assistant's text, to append to what came before.
    case textDelta(String)
    /// The model began a tool call. `index` is the call's position in the assistant message's
    /// `toolCalls`, which may interleave with other calls' fragments.
    case toolCallStarted(index: Int, id: String, name: String)
    /// A piece of a call's JSON arguments, to append to what came before for that index.
    case toolCallArgumentsDelta(index: Int, fragment: String)
    /// A tool call is complete, arguments parsed.
    case toolCall(ToolCall)
    /// Tokens this call consumed.
    case usage(Usage)
    /// The answer is complete: why it ended and the whole assistant message, ready to append to
    /// the conversation.
    case finished(FinishReason, ChatMessage)
}
