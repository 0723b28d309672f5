import Foundation

/// Runs plugin code on a thread of its own and waits for it with a limit: a plugin that
/// never returns (a `process` that blocks, a `destroy` that deadlocks) costs that thread,
/// while the check goes on to report it. The check's process ends soon after, so the
/// thread is never joined.
enum HostThread {
    /// Runs `body` on a new thread; true when it returned within `limit`.
    static func run(within limit: Duration, _ body: @escaping @Sendable () -> Void) -> Bool {
        let returned = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            body()
            returned.signal()
        }
        return returned.wait(timeout: .now() + limit.timeInterval) == .success
    }

    /// Starts `body` on a new thread and returns at once; `wait` on the result tells whether
    /// it returned.
    static func start(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let returned = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            body()
            returned.signal()
        }
        return returned
    }
}
