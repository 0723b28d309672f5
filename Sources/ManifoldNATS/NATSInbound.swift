import DequeModule
import Foundation
import Synchronization

/// Messages from the NATS client's delivery thread, in arrival order, for the one task that
/// delivers them into the hub. Bounded: a full queue holds the client's thread (the client then
/// buffers, and past its pending limits drops and counts), so a graph that cannot keep up
/// never fills this process's memory.
final class NATSInbound: Sendable {
    private struct State {
        var queue = Deque<NATSMessage>()
        var waiter: CheckedContinuation<NATSMessage?, Never>?
        var closed = false
        /// Taken by the delivering task and not yet delivered.
        var delivering = 0
    }

    private let state = Mutex(State())
    private let room: DispatchSemaphore

    init(capacity: Int = 1024) {
        room = DispatchSemaphore(value: capacity)
    }

    /// Queues a message, waiting (on the client's thread) while the queue is full.
    func push(_ message: NATSMessage) {
        room.wait()
        let waiter: CheckedContinuation<NATSMessage?, Never>? = state.withLock { state in
            guard !state.closed else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                state.delivering += 1
                return waiter
            }
            state.queue.append(message)
            return nil
        }
        waiter?.resume(returning: message)
    }

    /// The next message; `nil` once closed.
    func next() async -> NATSMessage? {
        await withCheckedContinuation { continuation in
            let ready: NATSMessage?? = state.withLock { state in
                if let message = state.queue.popFirst() {
                    state.delivering += 1
                    return .some(message)
                }
                if state.closed { return .some(nil) }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The message `next()` returned has been delivered.
    func delivered() {
        state.withLock { $0.delivering -= 1 }
        room.signal()
    }

    /// Whether a message is queued or being delivered.
    var isBusy: Bool { state.withLock { !$0.queue.isEmpty || $0.delivering > 0 } }

    /// Ends the queue: `next()` returns `nil`, later pushes are dropped.
    func close() {
        let waiter = state.withLock { state in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
        // A push waiting for room must not wait forever.
        room.signal()
    }
}
