extension Hub {
    /// Adds an observer of this hub's events and of the nodes on it, from now on.
    @discardableResult
    public func addObserver(_ observer: any RunObserver) -> RunObserverToken {
        router.observers.add(observer)
    }

    /// Removes an observer; events already being handed out may still reach it.
    public func removeObserver(_ token: RunObserverToken) {
        router.observers.remove(token)
    }

    /// The hub's events as an asynchronous sequence, for a live view or a log writer that
    /// does its work off the publishing threads.
    ///
    /// The stream keeps the newest `limit` elements when its reader falls behind; what it had
    /// to let go of is counted in a `.dropped(n)` element before the next event, so a reader
    /// always knows when it missed some. `RunEventFeed.finish()` ends it once what is queued
    /// has been read; the observer is removed then, or when the reader stops reading.
    public func events(bufferingNewest limit: Int = 4096) -> RunEventFeed {
        let (stream, continuation) = AsyncStream<RunEventStreamElement>.makeStream(bufferingPolicy: .bufferingNewest(max(2, limit)))
        let token = addObserver(RunEventStreamBuffer(continuation: continuation))
        continuation.onTermination = { [weak self] _ in self?.removeObserver(token) }
        return RunEventFeed(stream: stream, continuation: continuation)
    }
}

/// A hub's events as an `AsyncStream` (`Hub.events(bufferingNewest:)`), and the way to end it.
public struct RunEventFeed: Sendable {
    /// The events, in the order they were handed to the feed.
    public let stream: AsyncStream<RunEventStreamElement>
    let continuation: AsyncStream<RunEventStreamElement>.Continuation

    /// Stops feeding: the reader gets what is queued, then the stream ends.
    public func finish() {
        continuation.finish()
    }
}
