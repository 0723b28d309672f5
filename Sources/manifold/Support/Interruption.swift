import CManifoldSignals
import Foundation

/// The signals that stop `manifold run` (SIGINT from Ctrl-C, SIGTERM from service managers
/// and container runtimes), caught from the moment `install` returns and written, one byte
/// each, to a pipe a thread of the launcher reads.
///
/// The handler is a plain `sigaction` that writes to the pipe: a dispatch signal source is
/// armed later, on another thread, and a signal in between was lost.
struct Interruption: Sendable {
    /// The signals caught.
    static let signals: [Int32] = [SIGINT, SIGTERM]

    /// Where the caught signals' numbers arrive, one byte each.
    let readEnd: Int32
    private let writeEnd: Int32

    /// Catches `signals` until `uninstall()`.
    ///
    /// - Throws: `InterruptionError` when no pipe can be made or a handler not installed.
    static func install() throws -> Interruption {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw InterruptionError(errno: errno) }
        // Plugins may start processes; they must not inherit the pipe.
        for descriptor in fds { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        let interruption = Interruption(readEnd: fds[0], writeEnd: fds[1])
        for signal in signals where manifold_forward_signal(signal, interruption.writeEnd) != 0 {
            let error = InterruptionError(errno: errno)
            interruption.uninstall()
            close(fds[0])
            close(fds[1])
            throw error
        }
        return interruption
    }

    /// Restores the signals' default actions. The pipe stays open: a handler that was running
    /// may still write to it, and the process is about to end.
    func uninstall() {
        for signal in Self.signals { manifold_stop_forwarding_signal(signal) }
    }

    /// The signal's conventional name (`SIGINT`), for messages.
    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}

/// A signal handler could not be installed.
struct InterruptionError: Error, CustomStringConvertible {
    let errno: Int32
    var description: String { "cannot handle Ctrl-C and SIGTERM: \(String(cString: strerror(errno)))" }
}
