import Foundation
import Manifold
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Records a run into a journal, as a `RunObserver` of its hub: every published artifact,
/// what each node emitted for which input, each input's settlement and failure, and every
/// dead letter.
///
/// The threads that publish and process only append each event, with its time, to a queue
/// under a lock; a thread of the recorder's own takes the whole queue at once, encodes it and
/// writes it as one segment in one transaction. Nothing is dropped: when the queue holds
/// `queueCapacity` records, the thread that observes the next one waits until the writer has
/// taken them, so a disk slower than the run slows the run instead of losing its record. When
/// a write fails (a full disk, a lock held too long) the recorder stops recording, counts what
/// it could not write, and calls `onFailure` once so the run can be stopped.
public final class JournalRecorder: RunObserver, Sendable {
    /// Records held while the writer is busy; past it, observers wait for room.
    public static let queueCapacity = 1 << 16

    /// The journal.
    public let file: JournalFile
    /// The run being recorded.
    public let runID: String

    /// A run event with the time it happened, or a record made directly.
    private enum Pending: Sendable {
        case event(RunEvent, at: UInt64)
        case record(JournalRecord)
    }

    private struct Queue: ~Copyable {
        var pending: [Pending] = []
        var writerIsWaiting = false
        var observersWaiting = 0
        var finished = false
        var failure: JournalError?
        var unrecorded = 0
    }

    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let room = DispatchSemaphore(value: 0)
    private let onFailure: @Sendable (JournalError) -> Void
    private let finishedWriting = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let writerDone = Atomic<Bool>(false)
    private let observation = Mutex<(hub: Hub, token: RunObserverToken)?>(nil)
    private let firstSegment: Int

    /// Records the start of `run` in `file` (so a journal that cannot be written stops the run
    /// before any plugin code runs) and prepares to record its events.
    ///
    /// - Parameter onFailure: called once, from the writer's thread, when a write fails.
    /// - Throws: `JournalError` from recording the start.
    public init(file: JournalFile, run: JournalRun, onFailure: @escaping @Sendable (JournalError) -> Void) throws(JournalError) {
        self.file = file
        self.runID = run.id
        self.onFailure = onFailure
        try file.begin(run)
        firstSegment = 0
    }

    /// Records that run `runID`, already in `file`, goes on in this process (`manifold
    /// resume`), and prepares to add its events after those recorded before.
    ///
    /// - Throws: `JournalError` from reopening it.
    public init(file: JournalFile, resuming runID: String, onFailure: @escaping @Sendable (JournalError) -> Void) throws(JournalError) {
        self.file = file
        self.runID = runID
        self.onFailure = onFailure
        firstSegment = try file.reopen(runID)
    }

    /// Starts recording the hub's events, from now on.
    public func start(hub: Hub) {
        let thread = Thread { [self] in writeUntilFinished() }
        thread.name = "manifold-journal"
        thread.start()
        observation.withLock { $0 = (hub, hub.addObserver(self)) }
    }

    public func observe(_ event: RunEvent) {
        switch event {
        case .published, .output, .inputDone, .nodeFailed, .deadLettered: break
        default: return
        }
        enqueue(.event(event, at: Self.now()))
    }

    /// Records that graph output `output` handed `artifact` to its reader.
    public func recordShown(output: String, artifact: ArtifactID) {
        enqueue(.record(.shown(output: output, artifact: artifact.rawValue, at: Self.now())))
    }

    /// Records node `node`'s state for conversation `key`.
    public func recordSnapshot(node: String, key: String, state: Data) {
        enqueue(.record(.snapshot(node: node, key: key, state: state, at: Self.now())))
    }

    private func enqueue(_ pending: Pending) {
        while true {
            let (wakeWriter, mustWait) = queue.withLock { queue -> (Bool, Bool) in
                guard !queue.finished, queue.failure == nil else {
                    queue.unrecorded += 1
                    return (false, false)
                }
                guard queue.pending.count < Self.queueCapacity else {
                    queue.observersWaiting += 1
                    return (false, true)
                }
                queue.pending.append(pending)
                defer { queue.writerIsWaiting = false }
                return (queue.writerIsWaiting, false)
            }
            if wakeWriter { wake.signal() }
            guard mustWait else { return }
            room.wait()
        }
    }

    /// Writes what is queued, stops recording, and records how the run ended.
    ///
    /// - Returns: the failure that stopped the recording early, if one did, with how many
    ///   events it could not record.
    @discardableResult
    public func finish(status: JournalRun.Status) async -> (failure: JournalError, unrecorded: Int)? {
        if let (hub, token) = observation.withLock({ $0 }) { hub.removeObserver(token) }
        let wakeWriter = queue.withLock { queue -> Bool in
            queue.finished = true
            defer { queue.writerIsWaiting = false }
            return queue.writerIsWaiting
        }
        if wakeWriter { wake.signal() }
        if observation.withLock({ $0 }) != nil {
            await withCheckedContinuation { continuation in
                let resumeNow = finishedWriting.withLock { waiting -> Bool in
                    if writerDone.load(ordering: .acquiring) { return true }
                    waiting = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
        let (failure, unrecorded) = queue.withLock { ($0.failure, $0.unrecorded) }
        if let failure { return (failure, unrecorded) }
        do {
            try file.end(runID, status: status)
        } catch {
            return (error, 0)
        }
        return nil
    }

    // MARK: The writer

    private func writeUntilFinished() {
        var segment = firstSegment
        var storedPayloads = Set<[UInt8]>()
        var writer = JournalBytesWriter(reservingCapacity: 1 << 16)
        while true {
            let (taken, finished, waiting) = queue.withLock { queue -> ([Pending], Bool, Int) in
                let taken = queue.pending
                queue.pending.removeAll(keepingCapacity: true)
                let waiting = queue.observersWaiting
                queue.observersWaiting = 0
                if taken.isEmpty && !queue.finished { queue.writerIsWaiting = true }
                return (taken, queue.finished, waiting)
            }
            for _ in 0..<waiting { room.signal() }
            if !taken.isEmpty {
                if let failure = write(taken, segment: segment, using: &writer, storedPayloads: &storedPayloads) {
                    let first = queue.withLock { queue -> Bool in
                        defer { if queue.failure == nil { queue.failure = failure } }
                        queue.unrecorded += taken.count
                        return queue.failure == nil
                    }
                    if first { onFailure(failure) }
                }
                segment += 1
                continue
            }
            if finished { break }
            wake.wait()
        }
        let waiting = finishedWriting.withLock { waiting -> CheckedContinuation<Void, Never>? in
            writerDone.store(true, ordering: .releasing)
            defer { waiting = nil }
            return waiting
        }
        waiting?.resume()
    }

    /// Encodes and writes one segment; the failure when it could not.
    private func write(
        _ taken: [Pending], segment: Int, using writer: inout JournalBytesWriter, storedPayloads: inout Set<[UInt8]>
    ) -> JournalError? {
        if queue.withLock({ $0.failure }) != nil { return nil }
        writer.clear()
        var batch = JournalFile.Batch(segment: segment, records: [], payloads: [])
        for pending in taken {
            guard let record = record(of: pending) else { continue }
            switch record {
            case .published: batch.published += 1
            case .settled: batch.settled += 1
            case .failed: batch.failed += 1
            case .deadLettered: batch.deadLettered += 1
            case .emitted, .shown, .snapshot: break
            }
            do {
                try record.encode(into: &writer) { digest, bytes in
                    if storedPayloads.insert(digest).inserted { batch.payloads.append((digest, bytes)) }
                }
            } catch {
                // An artifact past the wire's limits (a payload over 1 GiB): recorded without
                // its bytes would mislead a resume; say so as a failure of the journal.
                return JournalError(
                    .inaccessible, file: file.path, problem: "an artifact of run \(runID) cannot be recorded: \(error)",
                    fix: "keep payloads under the wire format's limits (docs/wire.md), or run without --journal")
            }
        }
        batch.records = writer.bytes
        do {
            try file.append(batch, to: runID)
            return nil
        } catch {
            return error
        }
    }

    private func record(of pending: Pending) -> JournalRecord? {
        guard case .event(let event, let at) = pending else {
            if case .record(let record) = pending { return record }
            return nil
        }
        switch event {
        case .published(let artifact, let topic):
            return .published(artifact, topic: topic.name, at: at)
        case .output(let node, let output, _, let input):
            return .emitted(node: node, input: input.rawValue, output: output.id.rawValue, at: at)
        case .inputDone(let node, let input, let duration, let succeeded):
            let (seconds, attoseconds) = duration.components
            let nanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
            return .settled(node: node, input: input.id.rawValue, succeeded: succeeded, durationNanos: nanoseconds, at: at)
        case .nodeFailed(let failure):
            return .failed(node: failure.node, input: failure.input.rawValue, message: failure.message, at: at)
        case .deadLettered(let artifact, let reason, let topic, let by, let detail):
            return .deadLettered(artifact: artifact.id.rawValue, reason: reason.rawValue, topic: topic.name, by: by, detail: detail, at: at)
        default:
            return nil
        }
    }

    /// Wall-clock time in nanoseconds since 1970.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
