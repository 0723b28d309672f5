import Foundation

/// Runs an action on the first Ctrl-C or SIGTERM, on a thread of its own (for a process
/// without a run watchdog: `manifold worker`). A second signal ends the process at once.
struct StopOnSignal: Sendable {
    private let interruption: Interruption

    /// Catches the signals from now on.
    ///
    /// - Throws: `InterruptionError` when the handlers cannot be installed.
    static func install(_ action: @escaping @Sendable () -> Void) throws -> StopOnSignal {
        let interruption = try Interruption.install()
        let thread = Thread {
            var signal: UInt8 = 0
            var received = 0
            while read(interruption.readEnd, &signal, 1) == 1 {
                received += 1
                if received == 1 {
                    Terminal.error("\(Interruption.name(of: Int32(signal))): stopping; unfinished inputs go back to the hub (again to quit at once)")
                    action()
                } else {
                    _exit(128 + Int32(signal))
                }
            }
        }
        thread.name = "manifold-signals"
        thread.start()
        return StopOnSignal(interruption: interruption)
    }

    /// Restores the signals' default actions.
    func uninstall() {
        interruption.uninstall()
    }
}
