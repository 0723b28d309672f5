/// How many node hops an artifact of one conversation may make before a node refuses it: the
/// end of a runaway loop (an agent and its tools calling each other forever) that would
/// otherwise spend money without end.
///
/// A hop is one node processing an artifact: what a node emits for an input has made one hop
/// more than the input (`MetadataKey.hops`, absent on what a graph input or a source feeds).
/// A node refuses an input that has already made `maximum` hops — before any of its plugin
/// code runs, so no model is called for it — and the input fails with `HopLimitReached`.
public struct HopLimit: Sendable, Hashable {
    /// Most hops an input may have made to be processed.
    public var maximum: Int
    /// Where the limit is set, said in the message when it is reached (a manifest path).
    public var source: String

    /// A limit of `maximum` hops, set at `source`.
    public init(maximum: Int, source: String) {
        self.maximum = max(1, maximum)
        self.source = source
    }

    /// Counts hops without refusing anything: for a node without a limit in a graph where
    /// other nodes check one, so chains through it still add up.
    public static let countingOnly = HopLimit(maximum: .max, source: "no limit")

    /// The hops `artifact` has made (0 when it carries no count, or one that is no number).
    public static func hops(of artifact: Artifact) -> Int {
        guard let text = artifact.metadata[MetadataKey.hops], let hops = Int(text), hops > 0 else { return 0 }
        return hops
    }
}

/// A node refused an input that had already made as many hops as its limit allows.
public struct HopLimitReached: DeadLetteringFailure {
    /// The node that refused it.
    public var node: String
    /// The hops the input had made.
    public var hops: Int
    /// The limit.
    public var limit: HopLimit
    /// The input's conversation.
    public var correlationID: String
    /// The node that emitted the input, when a node did.
    public var from: String?

    /// Makes the failure.
    public init(node: String, hops: Int, limit: HopLimit, correlationID: String, from: String?) {
        self.node = node
        self.hops = hops
        self.limit = limit
        self.correlationID = correlationID
        self.from = from
    }

    public var deadLetterReason: DeadLetterReason { .hopLimitReached }

    public var description: String {
        "refused an input of conversation \(correlationID)"
            + (from.map { " from node '\($0)'" } ?? "")
            + ": it has already made \(hops) hops, and the limit is \(limit.maximum) (maxHops, \(limit.source)); the graph probably loops without end, so the conversation stops here instead of running node '\(node)' again"
            + "; make the loop end (a tool result that answers, a prompt that concludes), or raise maxHops if the task really needs more steps"
    }
}
