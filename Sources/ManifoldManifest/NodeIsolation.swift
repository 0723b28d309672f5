/// Where a node's plugin runs.
public enum NodeIsolation: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// In the host process: the fastest, for trusted plugins. A crash of the plugin ends the run.
    case none
    /// In a child `manifold` worker process of its own, supervised: a crash costs that node's
    /// current input and a restart, not the graph.
    case process

    /// The raw value.
    public var description: String { rawValue }
}

/// Limits on an isolated node's worker process, applied with `setrlimit` in the worker
/// before the plugin is loaded.
public struct ResourceLimits: Sendable, Hashable {
    /// Most data memory (heap and private mappings, `RLIMIT_DATA`), in MiB.
    public var memoryMiB: Int?
    /// Most CPU time the worker may use over its life, in seconds (`RLIMIT_CPU`); the worker
    /// is restarted when it is reached.
    public var cpuSeconds: Int?
    /// Most open file descriptors (`RLIMIT_NOFILE`).
    public var openFiles: Int?

    /// Limits; `nil` leaves one as the host's.
    public init(memoryMiB: Int? = nil, cpuSeconds: Int? = nil, openFiles: Int? = nil) {
        self.memoryMiB = memoryMiB
        self.cpuSeconds = cpuSeconds
        self.openFiles = openFiles
    }

    /// Whether no limit is set.
    public var isEmpty: Bool { memoryMiB == nil && cpuSeconds == nil && openFiles == nil }
}

/// How an isolated node's worker is restarted after it crashed.
public struct RestartPolicy: Sendable, Hashable {
    /// Most restarts within `withinSeconds`; one more crash fails the node.
    public var maxRestarts: Int
    /// The window the restarts are counted in.
    public var withinSeconds: Double
    /// How many times an input that was being processed when the worker crashed is tried
    /// again on the restarted worker before it is dead-lettered as `node-crashed`.
    public var retries: Int

    /// The defaults: 5 restarts within 60 s, a crashed input tried once more.
    public static let `default` = RestartPolicy(maxRestarts: 5, withinSeconds: 60, retries: 1)

    /// A policy.
    public init(maxRestarts: Int, withinSeconds: Double, retries: Int) {
        self.maxRestarts = maxRestarts
        self.withinSeconds = withinSeconds
        self.retries = retries
    }
}
