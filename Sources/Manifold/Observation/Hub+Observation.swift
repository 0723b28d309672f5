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
    /// always knows when it missed some. The observer is removed when the stream ends or is
    /// dropped.
    public func events(bufferingNewest limit: Int = 4096) -> AsyncStream<RunEventStreamElement> {
        let (stream, continuation) = AsyncStream<RunEventStreamElement>.makeStream(bufferingPolicy: .bufferingNewest(max(2, limit)))
        let buffer = RunEventStreamBuffer(continuation: continuation)
        let token = addObserver(buffer)
        continuation.onTermination = { [weak self] _ in self?.removeObserver(token) }
        return stream
    }
}
