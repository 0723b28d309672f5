/// Builds the `AsyncThrowingStream` a provider returns, running `work` in a task tied to it.
enum EventStream {
    /// The continuation `work` yields events into.
    typealias Continuation = AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation

    /// Starts `work` and returns its stream.
    ///
    /// When the consumer stops iterating (drops the iterator, breaks out of the loop) or its
    /// task is cancelled, the stream terminates as `.cancelled` and the task is cancelled, which
    /// cancels the HTTP request and closes its connection. A normal finish does not cancel
    /// the task: it may still be reading the end of the body so the connection can be reused.
    static func make(_ work: @escaping @Sendable (Continuation) async throws -> Void) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ChatStreamEvent.self, throwing: (any Error).self)
        let task = Task {
            do {
                try await work(continuation)
                continuation.finish()
            } catch is CancellationError {
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        return stream
    }
}
