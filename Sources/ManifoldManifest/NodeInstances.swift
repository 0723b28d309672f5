/// How many plugin instances a node keeps, and for whom.
public enum InstanceScope: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// One instance (per replica) serves every input: the default.
    case shared
    /// One instance per conversation: each correlation id gets an instance of its own, made
    /// on its first input, so conversations interleaved on the node never share state.
    case perCorrelation = "per-correlation"

    /// The raw value.
    public var description: String { rawValue }
}

/// A node's instance settings (`instances`, `instanceIdleSeconds`, `maxInstances`).
public struct NodeInstances: Sendable, Hashable {
    /// Whom an instance serves.
    public var scope: InstanceScope
    /// How long a per-correlation instance may sit unused before it is shut down, in seconds.
    public var idleSeconds: Double
    /// Most per-correlation instances alive at once; past it the one unused longest is shut
    /// down to make room.
    public var maximum: Int

    /// Ten minutes: long enough for a person to answer, short enough that abandoned
    /// conversations do not pile up.
    public static let defaultIdleSeconds: Double = 600
    /// A thousand conversations at once.
    public static let defaultMaximum = 1000

    /// One shared instance.
    public static let shared = NodeInstances(scope: .shared)

    /// Settings; the defaults for what is not given.
    public init(scope: InstanceScope, idleSeconds: Double = Self.defaultIdleSeconds, maximum: Int = Self.defaultMaximum) {
        self.scope = scope
        self.idleSeconds = idleSeconds
        self.maximum = maximum
    }
}
