import Synchronization

/// How many more outputs a call in a worker may send before the host has published the
/// earlier ones: a plugin emitting faster than the graph downstream takes its outputs waits
/// here, instead of filling the host's memory.
final class EmitCredit: Sendable {
    /// Outputs a call may have on their way to being published.
    static let window = 64

    private let state = Mutex<State>(State())

    private struct State {
        var available = EmitCredit.window
        var waiter: CheckedContinuation<Void, any Error>?
        var cancelled = false
    }

    /// Takes `count` credits, waiting while none is left (a batch may overdraw).
    ///
    /// - Throws: `CancellationError` once the call was cancelled.
    func take(_ count: Int) async throws {
        while true {
            let ready: Bool = try state.withLock { state in
                if state.cancelled { throw CancellationError() }
                guard state.available > 0 else { return false }
                state.available -= count
                return true
            }
            if ready { return }
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Bool = state.withLock { state in
                    if state.available > 0 || state.cancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resume { continuation.resume() }
            }
        }
    }

    /// Gives back credits the host acknowledged.
    func give(_ count: Int) {
        let waiter = state.withLock { state in
            state.available += count
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Wakes a waiting emit with `CancellationError`, and refuses the ones after it.
    func cancel() {
        let waiter = state.withLock { state in
            state.cancelled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: CancellationError())
    }
}
