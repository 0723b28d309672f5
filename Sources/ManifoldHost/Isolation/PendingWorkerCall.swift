import DequeModule
import Manifold
import Synchronization

/// The host's side of one call in a worker (an input, or the plugin's source): what the worker
/// reported for it, queued by the socket's reading thread for the task that waits on the call.
final class PendingWorkerCall: Sendable {
    enum Event: Sendable {
        case output(Artifact)
        case refused(String)
        case complete(WorkerMessage.CallOutcome, String)
        /// The worker ended before it completed the call.
        case lost(WorkerExit)
    }

    /// The call's number in its worker.
    let id: UInt64
    /// The input; `nil` for the call that runs the plugin's source.
    let input: Artifact?
    private let state = Mutex<State>(State())

    private struct State {
        var events = Deque<Event>()
        var waiter: CheckedContinuation<Void, Never>?
        var ended = false
    }

    init(id: UInt64, input: Artifact?) {
        self.id = id
        self.input = input
    }

    /// Whether the call completed or was lost.
    var hasEnded: Bool { state.withLock { $0.ended } }

    /// Queues an event (from the reading thread); nothing after the call ended.
    func push(_ event: Event) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.ended else { return nil }
            switch event {
            case .complete, .lost: state.ended = true
            case .output, .refused: break
            }
            state.events.append(event)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The next event, waiting for it.
    func next() async -> Event {
        while true {
            if let event = state.withLock({ $0.events.popFirst() }) { return event }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready: Bool = state.withLock { state in
                    if !state.events.isEmpty { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }
}
