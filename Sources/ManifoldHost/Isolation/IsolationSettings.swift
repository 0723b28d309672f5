import Foundation

/// How the host runs and watches isolated nodes' workers; the defaults suit production, tests
/// shorten them.
public struct IsolationSettings: Sendable {
    /// The `manifold` executable a worker runs (`manifold isolated-worker`).
    public var executable: String
    /// How often the host pings each worker.
    public var heartbeatInterval: Duration
    /// How long a worker may leave pings unanswered before it is killed as hung.
    public var heartbeatTimeout: Duration
    /// How long a cancelled call has to complete before its worker is killed and restarted.
    public var cancelGrace: Duration
    /// How long a worker may take to load its plugin and make the instance.
    public var startTimeLimit: Duration
    /// How long a worker may take to shut down before it is killed.
    public var shutdownGrace: Duration
    /// The wait before the first restart; it doubles with each restart in the window.
    public var initialBackoff: Duration
    /// The longest wait before a restart.
    public var maximumBackoff: Duration
    /// The most queued inputs of a node (one input at a time, no middleware, no time limit)
    /// sent to its worker in one write; 1 sends each input after the last one completed.
    public var pipelineLimit: Int

    /// Settings with the production defaults, running `executable`.
    public init(
        executable: String, heartbeatInterval: Duration = .seconds(1), heartbeatTimeout: Duration = .seconds(10),
        cancelGrace: Duration = .seconds(2), startTimeLimit: Duration = .seconds(30), shutdownGrace: Duration = .seconds(5),
        initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(5), pipelineLimit: Int = 32
    ) {
        self.pipelineLimit = max(1, pipelineLimit)
        self.executable = executable
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
        self.cancelGrace = cancelGrace
        self.startTimeLimit = startTimeLimit
        self.shutdownGrace = shutdownGrace
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// This very program, as a worker runs the same `manifold` as its host.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// `1.5 s`, `250 ms`: a duration as messages write it.
func secondsText(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
    if milliseconds < 1000 { return "\(milliseconds) ms" }
    if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
    return "\(Double(milliseconds) / 1000) s"
}
