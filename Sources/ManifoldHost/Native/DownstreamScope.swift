import Synchronization

/// The native plugin calls running below one middleware's `next`, so that the middleware can
/// cancel them (`manifold.cancel-next`) without its own call being cancelled.
///
/// The host runs a downstream chain inside the middleware's own task, so cancelling that
/// task is not an option: it would cancel the middleware too. Instead the scope is bound as
/// a task-local while the downstream runs, and every native call started inside it enters
/// it; `cancel()` cancels each (the plugins' cancel handlers run, as for any cancellation),
/// and a call that enters afterwards is cancelled at once. No task is made per `next`: the
/// cost on the hot path is one small object and a task-local binding per middleware hop.
final class DownstreamScope: Sendable {
    /// The scope of the downstream being run by the current task, if any.
    @TaskLocal static var current: DownstreamScope?

    private struct State {
        /// Usually one call (the generator below the middleware): kept inline, so a scope
        /// allocates nothing more; further calls (a middleware below it) go to `others`.
        var first: NativeCall?
        var others: [NativeCall] = []
        var cancelled = false

        var all: [NativeCall] { (first.map { [$0] } ?? []) + others }

        mutating func remove(_ call: NativeCall) {
            if first === call {
                first = nil
            } else if let index = others.firstIndex(where: { $0 === call }) {
                others.remove(at: index)
            }
        }
    }

    private let state = Mutex(State())

    /// Records `call` as running in the scope; false when the scope was already cancelled
    /// (the caller then cancels the call).
    func enter(_ call: NativeCall) -> Bool {
        state.withLock { state in
            guard !state.cancelled else { return false }
            if state.first == nil { state.first = call } else { state.others.append(call) }
            return true
        }
    }

    /// Forgets `call`; returns whether no cancellation of this scope can still reach it (it
    /// may then be reused for another input).
    func leave(_ call: NativeCall) -> Bool {
        state.withLock { state in
            state.remove(call)
            return !state.cancelled
        }
    }

    /// Cancels every call in the scope and every call that enters it later. The plugins'
    /// cancel handlers run on this thread, outside the scope's lock.
    func cancel() {
        let calls = state.withLock { state -> [NativeCall] in
            guard !state.cancelled else { return [] }
            state.cancelled = true
            return state.all
        }
        for call in calls { call.cancel() }
    }
}
