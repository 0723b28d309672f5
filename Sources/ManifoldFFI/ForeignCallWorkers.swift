import Dispatch
import Foundation
import Synchronization

/// The OS threads and the queue behind a `ForeignCallPool`.
///
/// Threads start on demand, one for each call that finds no free thread, up to
/// `threadLimit`; after that calls wait in a FIFO queue of at most `queueLimit`, and one more
/// is refused. An idle thread sleeps on a semaphore (one signal per queued call, and one per
/// thread at shutdown), so nothing polls. The threads hold this object, not the pool, so
/// dropping the pool shuts them down.
final class ForeignCallWorkers: Sendable {
    /// A call as the queue holds it.
    struct Job: Sendable {
        let id: UInt64
        /// Runs the call (or skips it when its caller was cancelled), handing what became of
        /// it to the closure before its caller is resumed.
        let run: @Sendable (_ record: (ForeignCallOutcome) -> Void) -> Void
    }

    private struct State {
        /// Jobs not yet taken by a thread, oldest first.
        var queue: [Job] = []
        /// Threads started and not yet ended.
        var threads = 0
        var isShutDown = false
        var statistics = ForeignCallPoolStatistics()

        /// Queued jobs no free thread is about to take.
        var waiting: Int { max(0, queue.count - (threads - statistics.running)) }
    }

    let threadLimit: Int
    let queueLimit: Int
    /// The threads' name, for debuggers and `top -H`.
    let name: String
    private let state = Mutex(State())
    private let wakeUps = DispatchSemaphore(value: 0)
    private let nextID = Atomic<UInt64>(0)

    init(threadLimit: Int, queueLimit: Int, name: String) {
        self.threadLimit = threadLimit
        self.queueLimit = queueLimit
        self.name = name
    }

    /// A new job id.
    func makeID() -> UInt64 {
        nextID.add(1, ordering: .relaxed).newValue
    }

    /// Queues `job`, starting a thread for it when none is free and the limit allows.
    ///
    /// - Returns: nil when accepted, else why not.
    func submit(_ job: Job) -> ForeignCallPool.Refusal? {
        let (refusal, startThread): (ForeignCallPool.Refusal?, Bool) = state.withLock { state in
            guard !state.isShutDown else {
                state.statistics.rejected += 1
                return (.shutDown, false)
            }
            state.queue.append(job)
            var startThread = false
            if state.queue.count > state.threads - state.statistics.running {
                if state.threads < threadLimit {
                    state.threads += 1
                    state.statistics.threadsStarted += 1
                    startThread = true
                } else if state.waiting > queueLimit {
                    state.queue.removeLast()
                    state.statistics.rejected += 1
                    return (.full(threads: threadLimit, waiting: state.waiting), false)
                } else {
                    state.statistics.waited += 1
                }
            }
            state.statistics.calls += 1
            state.statistics.waiting = state.waiting
            state.statistics.mostWaiting = max(state.statistics.mostWaiting, state.waiting)
            return (nil, startThread)
        }
        guard refusal == nil else { return refusal }
        if startThread { start() }
        wakeUps.signal()
        return nil
    }

    /// Drops job `id` if no thread has taken it yet; returns whether it did.
    func removeWaiting(_ id: UInt64) -> Bool {
        state.withLock { state in
            guard let index = state.queue.firstIndex(where: { $0.id == id }) else { return false }
            state.queue.remove(at: index)
            state.statistics.cancelledWhileWaiting += 1
            state.statistics.waiting = state.waiting
            return true
        }
    }

    /// Refuses new calls; the threads finish the calls already queued, then end.
    func shutdown() {
        let threads: Int = state.withLock { state in
            guard !state.isShutDown else { return 0 }
            state.isShutDown = true
            return state.threads
        }
        for _ in 0..<threads { wakeUps.signal() }
    }

    var statistics: ForeignCallPoolStatistics {
        state.withLock { $0.statistics }
    }

    // MARK: Threads

    /// C code expects a stack like the main thread's; glibc's default for new threads follows
    /// `ulimit -s` (8 MiB on common systems), which Foundation does not promise, so say it.
    private static let stackSize = 8 << 20

    private func start() {
        let thread = Thread { [self] in work() }
        thread.name = name
        thread.stackSize = Self.stackSize
        thread.start()
    }

    private enum Next {
        case run(Job)
        case idle
        case end
    }

    private func work() {
        while true {
            wakeUps.wait()
            let next: Next = state.withLock { state in
                guard !state.queue.isEmpty else {
                    guard state.isShutDown else { return .idle }
                    state.threads -= 1
                    return .end
                }
                let job = state.queue.removeFirst()
                state.statistics.running += 1
                state.statistics.waiting = state.waiting
                return .run(job)
            }
            switch next {
            case .idle:
                // A wake-up left by a call that was cancelled while it waited.
                continue
            case .end:
                return
            case .run(let job):
                job.run { outcome in
                    state.withLock { state in
                        state.statistics.running -= 1
                        switch outcome {
                        case .skipped: state.statistics.cancelledWhileWaiting += 1
                        case .completed: state.statistics.completed += 1
                        case .abandoned:
                            state.statistics.completed += 1
                            state.statistics.abandoned += 1
                        }
                        state.statistics.waiting = state.waiting
                    }
                }
            }
        }
    }
}
