/// What a Streamer does when processing one input fails.
public enum ErrorPolicy: String, Sendable, Hashable, Codable {
    /// Record the failure, publish it on `$errors`, and go on with the next input.
    case `continue`
    /// Record the failure, stop taking input, shut down, and throw from `run()`.
    case stop
}

/// Settings of a Streamer; every one has a default.
public struct StreamerOptions: Sendable {
    /// Input queue capacity; the hub's default when `nil`.
    public var inputCapacity: Int?
    /// Input backpressure policy; the hub's default when `nil`.
    public var inputPolicy: BackpressurePolicy?
    /// A buffer to use as the input queue instead of a new one.
    public var inputBuffer: Buffer<Artifact>?
    /// How many inputs may be processed at once. With 1 (the default) outputs keep input order.
    public var concurrency: Int
    /// What a failed input does to the Streamer.
    public var errorPolicy: ErrorPolicy
    /// How many failures `StreamerReport.failures` keeps (all are counted).
    public var failureHistoryLimit: Int
    /// Whether `run()` shuts the chain down when it ends. A graph turns this off to shut all
    /// its nodes down together, in reverse order of creation, with `Streamer.shutdown()`.
    public var shutsDownWhenFinished: Bool
    /// How long one input may take through the chain; `nil` (the default) for no limit. An
    /// input past it is cancelled and fails with `InputTimedOut` (dead-lettered as
    /// `input-timed-out`); when the chain does not stop within `inputTimeoutGrace` after the
    /// cancel, it is left to finish on its own and the node goes on with the next input
    /// (what it emits after that is dead-lettered as `late-output`).
    public var inputTimeout: Duration?
    /// How long a timed-out input's chain has, once cancelled, to stop before it is left behind.
    public var inputTimeoutGrace: Duration
    /// Whether each output's id is derived from its input's id, the node's name and its place
    /// among the input's outputs (`ArtifactID(derivedFrom:node:ordinal:)`) rather than new.
    /// Then an input processed twice — delivered again by a broker after a worker died — emits
    /// outputs with the same ids as the first time, which the broker and the graph's outputs
    /// drop as duplicates.
    public var derivesOutputIDs: Bool
    /// Which instance of its node this Streamer is, from 1. The instances of one node share its
    /// name — the subscription a broker's consumer serves, the origin and derived ids of what
    /// they emit — and are told apart only in the hub's wiring, as `node#2`, `node#3`, ….
    public var replica: Int
    /// When set, each output carries its input's hop count plus one (`MetadataKey.hops`), and
    /// an input that has made `maximum` hops is refused before the chain sees it
    /// (`HopLimitReached`, dead-lettered as `hop-limit`). `nil` (the default): hops are neither
    /// counted nor checked.
    public var hopLimit: HopLimit?
    /// Whether each output carries its input's trace on (`MetadataKey.traceParent`), with the
    /// span of this node's processing of the input as its parent
    /// (`TraceContext.spanID(node:input:)`). Off by default: an untraced run writes nothing.
    public var propagatesTraceContext: Bool

    /// Options with the defaults: the hub's queue settings, one input at a time, continue on error.
    public init(
        inputCapacity: Int? = nil, inputPolicy: BackpressurePolicy? = nil, inputBuffer: Buffer<Artifact>? = nil,
        concurrency: Int = 1, errorPolicy: ErrorPolicy = .continue, failureHistoryLimit: Int = 100,
        shutsDownWhenFinished: Bool = true, inputTimeout: Duration? = nil, inputTimeoutGrace: Duration = .seconds(1),
        derivesOutputIDs: Bool = false, replica: Int = 1, hopLimit: HopLimit? = nil, propagatesTraceContext: Bool = false
    ) {
        self.propagatesTraceContext = propagatesTraceContext
        self.hopLimit = hopLimit
        self.derivesOutputIDs = derivesOutputIDs
        self.replica = max(1, replica)
        self.inputTimeout = inputTimeout
        self.inputTimeoutGrace = inputTimeoutGrace
        self.shutsDownWhenFinished = shutsDownWhenFinished
        self.inputCapacity = inputCapacity
        self.inputPolicy = inputPolicy
        self.inputBuffer = inputBuffer
        self.concurrency = max(1, concurrency)
        self.errorPolicy = errorPolicy
        self.failureHistoryLimit = failureHistoryLimit
    }
}
