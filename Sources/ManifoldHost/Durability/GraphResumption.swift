import Manifold

/// What an interrupted run left to do, for the run that carries it on (`GraphRun.run(feeds:resuming:…)`).
public struct GraphResumption: Sendable {
    /// Artifacts to deliver to one node each, in order: what the node had not settled.
    public var redeliveries: [(node: String, artifact: Artifact)]
    /// The outputs each graph output already showed, by output name: not shown again.
    public var shownOutputs: [String: Set<ArtifactID>]

    /// Makes the resumption.
    public init(redeliveries: [(node: String, artifact: Artifact)], shownOutputs: [String: Set<ArtifactID>]) {
        self.redeliveries = redeliveries
        self.shownOutputs = shownOutputs
    }
}
