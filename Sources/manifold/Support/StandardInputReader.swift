import Foundation
import Synchronization

/// Standard input, read on a thread of its own one chunk at a time, and only when the run
/// asks for the next one.
///
/// Nothing is read ahead of what the graph takes: a run fed five million lines holds one
/// chunk of them, not all, and a stop leaves the rest unread. The thread waits in `poll(2)`
/// on standard input and on a pipe `stop()` writes to, so a stop is noticed at once even
/// while nothing arrives, and no byte is read after it. A blocked read must not hold a thread
/// of the Swift concurrency pool, which the graph's nodes need.
final class StandardInputReader: Sendable {
    /// The most bytes one read takes: large enough that a fast producer is read in few calls
    /// and lines are published in batches of thousands, small enough to keep a run's memory low.
    static let chunkSize = 64 * 1024

    private struct State {
        var waiter: CheckedContinuation<Data?, Never>?
        var stopped = false
        /// End of input or a failed read: nothing more will come.
        var ended = false
        var threadStarted = false
        /// `errno` of a failed read.
        var failure: Int32?
    }

    private let descriptor: Int32
    private let state = Mutex(State())
    /// One signal per chunk asked for.
    private let requests = DispatchSemaphore(value: 0)
    private let wakeUp: (read: Int32, write: Int32)

    /// A reader of `descriptor` (standard input unless given); nothing is read until `next()`.
    ///
    /// - Throws: `StandardInputError` when the pipe that carries a stop cannot be made.
    init(descriptor: Int32 = STDIN_FILENO) throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw StandardInputError(errno: errno) }
        // Plugins may start processes; they must not inherit it.
        for descriptor in fds { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        self.descriptor = descriptor
        self.wakeUp = (fds[0], fds[1])
    }

    deinit {
        close(wakeUp.read)
        close(wakeUp.write)
    }

    /// Whether `stop()` was called.
    var isStopped: Bool { state.withLock { $0.stopped } }

    /// The `errno` of the read that failed, if one did (standard input is a folder, say).
    var failure: Int32? { state.withLock { $0.failure } }

    /// The next chunk: `nil` at the end of input, after a failed read (see `failure`), after
    /// `stop()`, or when the calling task is cancelled (which stops the reader).
    func next() async -> Data? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Data?, Never>) in
                let (proceed, startThread): (Bool, Bool) = state.withLock { state in
                    guard !state.stopped, !state.ended else { return (false, false) }
                    state.waiter = continuation
                    defer { state.threadStarted = true }
                    return (true, !state.threadStarted)
                }
                guard proceed else {
                    continuation.resume(returning: nil)
                    return
                }
                if startThread { Thread { [self] in readChunks() }.start() }
                requests.signal()
            }
        } onCancel: {
            stop()
        }
    }

    /// Stops reading: a `next()` waiting now returns `nil`, and so does every later one.
    func stop() {
        let waiter: CheckedContinuation<Data?, Never>? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
        var byte: UInt8 = 1
        _ = write(wakeUp.write, &byte, 1)
        requests.signal()
    }

    /// The reading thread: one chunk per request, until the end, a failure or a stop.
    private func readChunks() {
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        while true {
            requests.wait()
            guard waitForInput() else { return }
            var count: Int
            repeat {
                count = read(descriptor, &buffer, buffer.count)
            } while count < 0 && errno == EINTR
            let failure = count < 0 ? errno : nil
            let waiter: CheckedContinuation<Data?, Never>? = state.withLock { state in
                if count <= 0 {
                    state.ended = true
                    state.failure = failure
                }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: count > 0 ? Data(buffer[0..<count]) : nil)
            if count <= 0 { return }
        }
    }

    /// Waits until standard input has something to read (or its end, or an error) or the
    /// reader is stopped; `false` when stopped.
    private func waitForInput() -> Bool {
        var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeUp.read, events: Int16(POLLIN), revents: 0)]
        while true {
            if state.withLock({ $0.stopped }) { return false }
            let ready = poll(&fds, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            // A stop wins over input that arrived at the same moment: nothing is read after it.
            if fds[1].revents != 0 || state.withLock({ $0.stopped }) { return false }
            return true
        }
    }
}

/// Standard input cannot be read.
struct StandardInputError: Error, CustomStringConvertible {
    let errno: Int32
    var description: String { "cannot read standard input: \(String(cString: strerror(errno)).lowercased())" }
}
