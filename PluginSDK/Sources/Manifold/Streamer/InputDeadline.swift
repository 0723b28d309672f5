import Synchronization

/// Runs one input's chain under a time limit, and can stop waiting for it.
///
/// A plugin that never completes must not hang its node: the chain runs in a task of its
/// own, so that when the limit passes and the chain ignores its cancellation for
/// `grace` too, the node stops waiting and goes on. That task is then left to finish (or
/// not) on its own; `isAbandoned` tells its emits to go to the dead letters instead of
/// downstream.
final class InputDeadline: Sendable {
    private let state = Mutex<State>(State())

    private struct State {
        var waiter: CheckedContinuation<Outcome, Never>?
        var timer: Task<Void, Never>?
        var abandoned = false
    }

    enum Outcome: Sendable {
        case finished(Result<Void, any Error>)
        case timedOut
    }

    /// Whether the node stopped waiting for the chain.
    var isAbandoned: Bool { state.withLock { $0.abandoned } }

    /// Runs `body`, throwing `InputTimedOut` when it takes longer than `limit`; cancelling the
    /// calling task cancels `body`.
    static func run(
        node: String, limit: Duration, grace: Duration, deadline: InputDeadline,
        _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        let work = Task { try await body() }
        let finished: Result<Void, any Error>? = await withTaskCancellationHandler {
            switch await deadline.race(work, sleeping: limit) {
            case .finished(let result): return result
            case .timedOut: return nil
            }
        } onCancel: {
            work.cancel()
        }
        if let finished { return try finished.get() }
        // Past the limit: cancel it and give it `grace` to stop before leaving it behind.
        work.cancel()
        let stopped: Bool
        switch await deadline.race(work, sleeping: grace) {
        case .finished: stopped = true
        case .timedOut: stopped = false
        }
        if !stopped { deadline.state.withLock { $0.abandoned = true } }
        throw InputTimedOut(node: node, limit: limit, stoppedWhenCancelled: stopped)
    }

    /// Waits for `work` or `duration`, whichever ends first.
    /// The work's end wakes the waiter and stops the timer, so a finished input leaves no
    /// sleeping task behind; a timer that fires first leaves the watcher waiting on the work
    /// (a task's result cannot be awaited with cancellation), and a later race on the same
    /// work is woken by it as well.
    private func race(_ work: Task<Void, any Error>, sleeping duration: Duration) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let timer = Task {
                guard (try? await Task.sleep(for: duration)) != nil else { return }
                self.settle(.timedOut)
            }
            state.withLock { state in
                state.waiter = continuation
                state.timer = timer
            }
            Task {
                let result = await work.result
                self.settle(.finished(result))
            }
        }
    }

    /// Hands `outcome` to the waiter, if there is one, and stops its timer.
    private func settle(_ outcome: Outcome) {
        let (waiter, timer) = state.withLock { state in
            defer {
                state.waiter = nil
                state.timer = nil
            }
            return (state.waiter, state.timer)
        }
        timer?.cancel()
        waiter?.resume(returning: outcome)
    }
}
