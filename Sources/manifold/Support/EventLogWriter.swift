import Foundation
import Manifold
import ManifoldHost
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a run's events as JSON lines (`--events FILE`) from a thread of its own.
///
/// Publishing threads only append each event, with the time it happened, to a bounded queue
/// under a lock; the writer thread takes the whole queue at once, formats it by hand and
/// writes it with one `write(2)`. A full queue (a disk slower than the run) loses events,
/// counted and reported in one `"missed"` record per batch, never speed.
final class EventLogWriter: RunObserver, Sendable {
    /// Events held while the writer is busy; past this, events are counted as missed.
    static let queueCapacity = 1 << 16

    private struct Queue: ~Copyable {
        var events: [(RunEvent, EventTimestamp)] = []
        var missed = 0
        var writerIsWaiting = false
        var finished = false
    }

    private let descriptor: Int32
    private let path: String
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let observation = Mutex<(hub: Hub, token: RunObserverToken)?>(nil)

    /// Creates (or truncates) the file at `path`; call before the graph is built, so a path
    /// that cannot be written is refused before any plugin code runs.
    ///
    /// - Throws: `EventLogError` when the file cannot be created.
    init(path: String) throws {
        // Non-blocking only while opening: a FIFO nobody reads fails here instead of hanging.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard descriptor >= 0 else { throw EventLogError(path: path, code: errno) }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        self.descriptor = descriptor
        self.path = path
    }

    /// Starts writing the hub's events.
    func start(hub: Hub) {
        let thread = Thread { [self] in writeUntilFinished() }
        thread.name = "manifold-event-log"
        thread.start()
        observation.withLock { $0 = (hub, hub.addObserver(self)) }
    }

    func observe(_ event: RunEvent) {
        let time = EventTimestamp.now()
        let wakeWriter = queue.withLock { queue -> Bool in
            guard queue.events.count < Self.queueCapacity, !queue.finished else {
                queue.missed += 1
                return false
            }
            queue.events.append((event, time))
            defer { queue.writerIsWaiting = false }
            return queue.writerIsWaiting
        }
        if wakeWriter { wake.signal() }
    }

    /// How long `finish` waits for the writer to drain the queue into a file that has stopped
    /// taking writes (a stalled pipe reader) before giving up on the rest.
    static let finishGrace: DispatchTimeInterval = .seconds(5)

    /// Writes what is queued, then closes the file.
    func finish() async {
        guard let (hub, token) = observation.withLock({ $0 }) else {
            close(descriptor)
            return
        }
        hub.removeObserver(token)
        let wakeWriter = queue.withLock { queue -> Bool in
            queue.finished = true
            defer { queue.writerIsWaiting = false }
            return queue.writerIsWaiting
        }
        if wakeWriter { wake.signal() }
        // The writer may be in the middle of a large batch: wait for it on a thread of its
        // own, not on one of the few threads the concurrency pool has.
        let drained = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Thread { [done] in
                continuation.resume(returning: done.wait(timeout: .now() + Self.finishGrace) == .success)
            }.start()
        }
        if drained {
            close(descriptor)
        } else {
            // The writer is stuck in write(2); it owns the descriptor until the process ends.
            Terminal.error("warning: --events \(path): the file stopped taking writes; the end of the event log is lost")
        }
    }

    private func writeUntilFinished() {
        var batch: [(RunEvent, EventTimestamp)] = []
        var bytes: [UInt8] = []
        var formatter = EventTimestampFormatter()
        var failed = false
        while true {
            let (missed, finished) = queue.withLock { queue -> (Int, Bool) in
                swap(&queue.events, &batch)
                defer { queue.missed = 0 }
                if batch.isEmpty && queue.missed == 0 && !queue.finished { queue.writerIsWaiting = true }
                return (queue.missed, queue.finished)
            }
            if batch.isEmpty && missed == 0 {
                if finished { break }
                wake.wait()
                continue
            }
            if !failed {
                bytes.removeAll(keepingCapacity: true)
                for (event, time) in batch {
                    RunEventRecord(event, time: formatter.format(time)).appendJSONLine(to: &bytes)
                }
                if missed > 0 {
                    RunEventRecord(missed: missed, time: formatter.format(.now())).appendJSONLine(to: &bytes)
                }
                failed = !writeAll(bytes)
            }
            batch.removeAll(keepingCapacity: true)
        }
        done.signal()
    }

    /// Writes every byte, retrying short writes; reports a failure once.
    private func writeAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                Terminal.error("warning: --events \(path): writing failed (\(reason)); the rest of the event log is lost")
                return false
            }
            offset += written
        }
        return true
    }
}

/// `--events` names a file that cannot be created.
struct EventLogError: Error, CustomStringConvertible {
    let path: String
    /// The `errno` of the failed open.
    let code: Int32

    var description: String {
        let reason = String(cString: strerror(code))
        if code == ENXIO {
            return "--events \(path): cannot write to it (\(reason)): it is a FIFO nobody is reading; start its reader first"
        }
        return "--events \(path): cannot create the file (\(reason)); check that its folder exists and is writable"
    }
}
