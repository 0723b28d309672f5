/// A few OS threads of its own on which foreign calls run, so that a C function that blocks
/// (`sleep`, a read on a pipe, a lock, a slow disk) holds one of these threads and never one of
/// the Swift concurrency pool's.
///
/// The concurrency pool has one thread per core. A C call made from an async function runs on
/// one of them and cannot be suspended, so on two cores two blocked calls stop every task,
/// timer and timeout in the process (`--timeout` never fired, and an unrelated `pow` waited
/// for them). Here the async caller awaits a continuation instead, and its pool thread is free
/// while the C function runs.
///
/// At most `threadLimit` threads start, on demand, and stay until `shutdown()`; calls that find
/// every thread busy wait in a queue of at most `queueLimit`, and one more is refused
/// (`Refusal.full`). Every wait, refusal, cancellation and abandoned call is counted in
/// `statistics`. A cancelled caller is resumed at once with `CancellationError`: a call still
/// waiting never runs; a call already running cannot be stopped (C has no cancellation), so it
/// runs on to its end on its thread and its value is dropped (`abandoned`).
///
/// ```swift
/// let pool = ForeignCallPool(threads: 4)
/// let value = try await pool.run { blockingCFunction() }
/// ```
public final class ForeignCallPool: Sendable {
    /// Threads started at most when none is given: enough for a few slow calls at once without
    /// letting one node hold dozens of threads.
    public static let defaultThreadLimit = 4
    /// Calls that may wait for a thread when none is given.
    public static let defaultQueueLimit = 64

    /// Why a call was not accepted.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// Every thread was busy and `waiting` calls already waited.
        case full(threads: Int, waiting: Int)
        /// `shutdown()` was called.
        case shutDown

        /// The reason in words.
        public var description: String {
            switch self {
            case .full(let threads, let waiting):
                return "all \(threads) thread\(threads == 1 ? "" : "s") for C calls are busy and \(waiting) "
                    + (waiting == 1 ? "call already waits" : "calls already wait") + " for one"
            case .shutDown:
                return "the threads for C calls have been shut down"
            }
        }
    }

    private let workers: ForeignCallWorkers

    /// A pool of at most `threads` threads (at least 1) and a queue of at most `queueLimit`
    /// waiting calls (at least 0); `name` names the threads.
    public init(threads: Int = defaultThreadLimit, queueLimit: Int = defaultQueueLimit, name: String = "manifold-ffi") {
        workers = ForeignCallWorkers(threadLimit: max(1, threads), queueLimit: max(0, queueLimit), name: name)
    }

    deinit {
        workers.shutdown()
    }

    /// The most threads this pool starts.
    public var threadLimit: Int { workers.threadLimit }
    /// The most calls that wait for a thread.
    public var queueLimit: Int { workers.queueLimit }
    /// What the pool has done and is doing.
    public var statistics: ForeignCallPoolStatistics { workers.statistics }

    /// Refuses new calls; calls already accepted still run, then the threads end.
    public func shutdown() {
        workers.shutdown()
    }

    /// Runs `body` on one of the pool's threads and returns its value.
    ///
    /// - Throws: `Refusal` when the call was not accepted; `CancellationError` when the calling
    ///   task is cancelled before `body` returned (see the type's notes).
    public func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async throws -> Value {
        let call = PendingForeignCall<Value>()
        let id = workers.makeID()
        let workers = self.workers
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard call.attach(continuation) else { return }
                let job = ForeignCallWorkers.Job(id: id) { record in call.execute(body, record: record) }
                if let refusal = workers.submit(job) { call.refuse(refusal) }
            }
        } onCancel: {
            if call.cancel() { _ = workers.removeWaiting(id) }
        }
    }
}
