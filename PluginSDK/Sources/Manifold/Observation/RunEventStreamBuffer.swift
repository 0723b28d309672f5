import Synchronization

/// What `Hub.events(bufferingNewest:)` yields: an event, or how many were lost before it.
public enum RunEventStreamElement: Sendable {
    /// The next event.
    case event(RunEvent)
    /// The reader fell behind and this many events were let go of here.
    case dropped(Int)
}

/// Feeds an `AsyncStream` that keeps the newest events, and turns what the stream discards
/// into counted `.dropped(n)` markers ahead of the next event: a slow reader never makes the
/// run wait, and never loses events without being told how many.
final class RunEventStreamBuffer: RunObserver {
    private let continuation: AsyncStream<RunEventStreamElement>.Continuation
    /// Events discarded and not yet reported; the lock also keeps yields in one order.
    private let unreported = Mutex(0)

    init(continuation: AsyncStream<RunEventStreamElement>.Continuation) {
        self.continuation = continuation
    }

    func observe(_ event: RunEvent) {
        unreported.withLock { unreported in
            if unreported > 0 {
                let marker = unreported
                unreported = 0
                count(continuation.yield(.dropped(marker)), into: &unreported)
            }
            count(continuation.yield(.event(event)), into: &unreported)
        }
    }

    private func count(_ result: AsyncStream<RunEventStreamElement>.Continuation.YieldResult, into unreported: inout Int) {
        guard case .dropped(let discarded) = result else { return }
        switch discarded {
        case .event: unreported += 1
        case .dropped(let earlier): unreported += earlier
        }
    }
}
