extension GraphManifest {
    /// The manifest with the replica counts of `counts` (`--replicas node=N`) in place of the
    /// nodes' own, and the names that are no node of it.
    public func replicating(_ counts: [String: Int]) -> (manifest: GraphManifest, unknown: [String]) {
        guard !counts.isEmpty else { return (self, []) }
        let known = Set(nodes.map(\.id))
        var copy = self
        for index in copy.nodes.indices {
            if let count = counts[copy.nodes[index].id] { copy.nodes[index].replicas = max(1, count) }
        }
        return (copy, counts.keys.filter { !known.contains($0) }.sorted())
    }
}
