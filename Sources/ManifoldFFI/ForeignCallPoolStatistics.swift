/// What a `ForeignCallPool` has done, and what it is doing now.
public struct ForeignCallPoolStatistics: Sendable, Hashable, CustomStringConvertible {
    /// Calls accepted (run, running or waiting).
    public var calls = 0
    /// Calls whose C function has returned, including abandoned ones.
    public var completed = 0
    /// Calls that found every thread busy and waited in the queue for one.
    public var waited = 0
    /// The most calls that waited at the same time.
    public var mostWaiting = 0
    /// Calls refused because the queue was full or the pool was shut down.
    public var rejected = 0
    /// Calls whose caller was cancelled while they waited: they never ran.
    public var cancelledWhileWaiting = 0
    /// Calls whose caller was cancelled while the C function ran: the function ran on to its
    /// end on its thread and its result was dropped.
    public var abandoned = 0
    /// OS threads started so far.
    public var threadsStarted = 0
    /// Calls running now.
    public var running = 0
    /// Calls waiting for a thread now.
    public var waiting = 0

    /// Creates empty statistics.
    public init() {}

    /// One line for logs: `12 C calls on 2 threads: 3 waited for a thread (at most 2 at once), 0 refused, …`.
    public var description: String {
        "\(calls) C call\(calls == 1 ? "" : "s") on \(threadsStarted) thread\(threadsStarted == 1 ? "" : "s"): "
            + "\(waited) waited for a free thread (at most \(mostWaiting) at once), \(rejected) refused with every thread busy and the queue full, "
            + "\(cancelledWhileWaiting) cancelled while waiting, \(abandoned) abandoned while running"
            + (running + waiting > 0 ? "; \(running) still running, \(waiting) still waiting" : "")
    }
}
