import Foundation
import Manifold

/// How a graph run keeps itself resumable: what a journal needs from the run, and what a
/// resumed run takes back from it.
public struct DurableRunOptions: Sendable {
    /// Called after a node whose plugin keeps state (`manifold.state`) finished an input,
    /// with the node, the input's conversation (its correlation id, else its id) and the
    /// plugin's state for it: the journal records it, so a resumed run can load it.
    public var snapshot: (@Sendable (_ node: String, _ key: String, _ state: Data) -> Void)?
    /// State to load into each node's instances as they are made, by node and conversation.
    public var restoredState: [String: [String: Data]]
    /// Inputs each node already settled (by node): a resumed run skips them, and processes
    /// every other input at most once.
    public var settledInputs: [String: Set<ArtifactID>]?

    /// Options for a run recorded in a journal: outputs get ids derived from their inputs (an
    /// input done again after a crash emits the same ids), and state is handed to `snapshot`.
    public init(
        snapshot: (@Sendable (_ node: String, _ key: String, _ state: Data) -> Void)? = nil, restoredState: [String: [String: Data]] = [:],
        settledInputs: [String: Set<ArtifactID>]? = nil
    ) {
        self.snapshot = snapshot
        self.restoredState = restoredState
        self.settledInputs = settledInputs
    }
}
