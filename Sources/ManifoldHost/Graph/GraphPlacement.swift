/// Which part of a graph this process runs, when one graph is spread over several processes
/// (`manifold run --only`, `manifold worker --only`) on a broker transport.
public struct GraphPlacement: Sendable, Hashable {
    /// What this process does in the run.
    public enum Role: Sendable, Hashable {
        /// Feeds the graph's inputs, reads its outputs and errors, and ends the run once no
        /// work is left anywhere (`manifold run`).
        case coordinator
        /// Runs its nodes for a run until the coordinator ends it (`manifold worker`).
        case worker
    }

    /// The nodes run here; every node when `nil`.
    public var nodes: Set<String>?
    /// What this process does.
    public var role: Role

    /// A part of a graph.
    public init(nodes: Set<String>? = nil, role: Role = .coordinator) {
        self.nodes = nodes
        self.role = role
    }

    /// The whole graph in one process.
    public static let everything = GraphPlacement()

    /// Whether the node `id` runs here.
    public func runs(_ id: String) -> Bool {
        nodes?.contains(id) ?? true
    }
}
