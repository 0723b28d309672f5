extension GraphManifest {
    /// The word that names every node in `isolating(_:)`.
    public static let allNodes = "all"

    /// The manifest with the named nodes run in worker processes (`--isolate`), and the names
    /// that are no node of it. `all` names every node.
    public func isolating(_ names: [String]) -> (manifest: GraphManifest, unknown: [String]) {
        guard !names.isEmpty else { return (self, []) }
        let everything = names.contains(Self.allNodes)
        let known = Set(nodes.map(\.id))
        var copy = self
        for index in copy.nodes.indices where everything || names.contains(copy.nodes[index].id) {
            copy.nodes[index].isolation = .process
        }
        return (copy, names.filter { $0 != Self.allNodes && !known.contains($0) })
    }
}
