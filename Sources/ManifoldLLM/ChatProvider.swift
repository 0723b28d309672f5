/// A model backend that streams chat answers.
///
/// Implementations are values that can be shared across tasks. Each call to `stream(_:)` is
/// independent; the work starts when the stream is created and stops (closing its HTTP
/// connection) as soon as the consumer stops iterating or its task is cancelled.
public protocol ChatProvider: Sendable {
    /// A short name for messages and errors, such as `"openai"`.
    var name: String { get }

    /// Streams the answer to `request`.
    ///
    /// Failures arrive as a thrown `ProviderError` from the stream (or `CancellationError`
    /// semantics: the stream just ends once the consumer is gone).
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error>
}

extension ChatProvider {
    /// Runs `request` to completion and returns the assembled answer.
    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var usage: Usage?
        for try await event in stream(request) {
            switch event {
            case .usage(let reported):
                usage = reported
            case .finished(let reason, let message):
                return ChatResponse(message: message, finishReason: reason, usage: usage)
            default:
                continue
            }
        }
        // A provider's stream always ends in `.finished` or an error; reaching this means the
        // consumer's task was cancelled, so report it as such.
        try Task.checkCancellation()
        throw ProviderError.streamTruncated(provider: name, expected: "a finished event", reason: nil)
    }
}
