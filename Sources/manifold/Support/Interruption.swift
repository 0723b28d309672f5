import CManifoldSignals
import Foundation
import Synchronization

/// Ctrl-C handling for `manifold run`: the first SIGINT asks for a graceful stop, the
/// second cancels.
///
/// The handler is a plain `sigaction` that writes to a pipe, in place as soon as `install`
/// returns: a dispatch signal source is armed later, on another thread, and a Ctrl-C in
/// between was lost.
final class Interruption: Sendable {
    /// Set when `--timeout` fired, so the run's end can say why it was cancelled.
    let timedOut = Atomic<Bool>(false)
    private let count = Atomic<Int>(0)

    /// Catches SIGINT until `uninstall` of the returned handle.
    ///
    /// - Throws: `InterruptionError` when no pipe can be made or the handler not installed.
    func install(onFirst: @escaping @Sendable () -> Void, onSecond: @escaping @Sendable () -> Void) throws -> InstalledInterruption {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw InterruptionError(errno: errno) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        // Plugins may start processes; they must not inherit the pipe.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        guard manifold_forward_signal(SIGINT, writeEnd) == 0 else {
            let error = InterruptionError(errno: errno)
            close(readEnd)
            close(writeEnd)
            throw error
        }
        // A thread of its own: it blocks in read(2), which must not hold a concurrency-pool thread.
        let reader = Thread { [self] in
            var byte: UInt8 = 0
            while true {
                let bytesRead = read(readEnd, &byte, 1)
                if bytesRead < 0 && errno == EINTR { continue }
                if bytesRead <= 0 { break }
                if count.add(1, ordering: .relaxed).newValue == 1 { onFirst() } else { onSecond() }
            }
            close(readEnd)
        }
        reader.start()
        return InstalledInterruption(writeEnd: writeEnd)
    }
}

/// A SIGINT handler in place; `uninstall` restores the default action.
struct InstalledInterruption: Sendable {
    fileprivate let writeEnd: Int32

    /// Restores SIGINT's default action and ends the reading thread.
    func uninstall() {
        manifold_stop_forwarding_signal(SIGINT)
        close(writeEnd)
    }
}

/// The SIGINT handler could not be installed.
struct InterruptionError: Error, CustomStringConvertible {
    let errno: Int32
    var description: String { "cannot handle Ctrl-C: \(String(cString: strerror(errno)))" }
}
