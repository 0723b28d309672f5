/// Bounds the total time of a piece of work.
enum RequestDeadline {
    /// Runs `work`; if it has not finished after `seconds`, cancels it, waits for it to stop
    /// (an HTTP request closes its connection) and throws `expired`.
    ///
    /// The timer is a sleeping child task: it costs nothing while it waits, and the work's
    /// end cancels it.
    static func run(
        seconds: Double, expired: @autoclosure @escaping @Sendable () -> any Error,
        _ work: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64(min(seconds, 1e9) * 1000)))
                throw expired()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
