import Manifold

/// What a graph did with one served call: its outputs, in the order they arrived, the node
/// failures and lost artifacts of that call, and how the wait for it ended.
public struct GraphCallOutcome: Sendable {
    /// How the wait for a call ended.
    public enum Ending: Sendable, Equatable {
        /// The graph finished with the call: nothing of it is left anywhere in the graph.
        case finished
        /// The call's time limit passed first; what arrived until then is in `outputs`.
        case timedOut(seconds: Double)
        /// The caller cancelled the call.
        case cancelled
        /// The graph stopped (a signal, the end of the server) before it finished the call.
        case stopped
        /// The call was not followed (any more) when its outcome was asked for.
        case abandoned
    }

    /// Each graph output's name and artifact, in arrival order.
    public var outputs: [(output: String, artifact: Artifact)]
    /// One line per node that failed on an input of this call (`node 'x' failed: …`).
    public var failures: [String]
    /// One line per artifact of this call that went to `$dead-letter`, with the reason.
    public var losses: [String]
    /// How the wait ended.
    public var ended: Ending

    /// An outcome.
    public init(outputs: [(output: String, artifact: Artifact)], failures: [String], losses: [String], ended: Ending) {
        self.outputs = outputs
        self.failures = failures
        self.losses = losses
        self.ended = ended
    }
}
