import Manifold

/// How many node hops an artifact of one conversation may make, and which setting says so.
public struct HopLimitSetting: Sendable, Hashable {
    /// The limit.
    public var maximum: Int
    /// Where it comes from, for the message when it is reached: a JSON path in the manifest,
    /// or the default's reason.
    public var source: String

    /// A limit of `maximum`, set at `source`.
    public init(maximum: Int, source: String) {
        self.maximum = maximum
        self.source = source
    }
}

extension GraphManifest {
    /// The limit a graph with `allowCycles` gets when it sets none: agent ↔ tools loops of
    /// about fifty rounds, far more than a task needs and far less than a runaway's bill.
    public static let defaultMaxHopsWithCycles = 100

    /// The hop limit of `node`: its own `maxHops`, else the graph's, else the default for a
    /// graph with cycles; `nil` when none applies (an acyclic graph that sets none, where
    /// a chain is never longer than the graph).
    public func hopLimit(of node: GraphNode) -> HopLimitSetting? {
        if let maximum = node.maxHops {
            return HopLimitSetting(maximum: maximum, source: "\(node.path).maxHops in \(file)")
        }
        if let maxHops {
            return HopLimitSetting(maximum: maxHops, source: "$.maxHops in \(file)")
        }
        if allowCycles {
            return HopLimitSetting(
                maximum: Self.defaultMaxHopsWithCycles,
                source: "the default for a graph with \"allowCycles\": true; set \"maxHops\" at the top of \(file) to change it")
        }
        return nil
    }

    /// Whether the graph's nodes count hops: when any node has a limit, every node counts, so
    /// a chain through nodes without one still adds up where a limit is checked.
    public var countsHops: Bool {
        maxHops != nil || allowCycles || nodes.contains { $0.maxHops != nil }
    }
}
