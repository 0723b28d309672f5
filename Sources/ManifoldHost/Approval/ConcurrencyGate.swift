import DequeModule
import Manifold
import Synchronization

/// Lets at most `limit` inputs at a time past it, in the order they came: what keeps a node's
/// plugin at its `concurrency` when a `ParkingMiddleware` before it lets more inputs in.
struct ConcurrencyGate: Middleware {
    let name = "concurrency-gate"
    private let permits: Permits

    init(limit: Int) {
        permits = Permits(limit: max(1, limit))
    }

    func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        try await permits.acquire()
        defer { permits.release() }
        try await next(input, context)
    }
}

/// A counting semaphore for tasks: first come, first served; a cancelled waiter leaves the line.
private final class Permits: Sendable {
    private struct State {
        var available: Int
        var line: Deque<(id: Int, continuation: CheckedContinuation<Void, any Error>)> = []
        var counter = 0
    }

    private let state: Mutex<State>

    init(limit: Int) {
        state = Mutex(State(available: limit))
    }

    func acquire() async throws {
        let id = state.withLock { state in
            state.counter += 1
            return state.counter
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case granted, waits, cancelled }
                let outcome: Outcome = state.withLock { state in
                    if Task.isCancelled { return .cancelled }
                    if state.available > 0 && state.line.isEmpty {
                        state.available -= 1
                        return .granted
                    }
                    state.line.append((id, continuation))
                    return .waits
                }
                switch outcome {
                case .granted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .waits: break
                }
            }
        } onCancel: {
            let removed: CheckedContinuation<Void, any Error>? = state.withLock { state in
                guard let index = state.line.firstIndex(where: { $0.id == id }) else { return nil }
                return state.line.remove(at: index).continuation
            }
            removed?.resume(throwing: CancellationError())
        }
    }

    func release() {
        let next: CheckedContinuation<Void, any Error>? = state.withLock { state in
            if state.line.isEmpty {
                state.available += 1
                return nil
            }
            return state.line.removeFirst().continuation
        }
        next?.resume()
    }
}
