/// A failure of an input that also sends the input itself to the dead letters, with a reason
/// of its own, so the input can be found and replayed (not only its error report read).
///
/// A Streamer that catches one records the failure and publishes it on `$errors` as for any
/// error, and also dead-letters the input with `deadLetterReason`.
public protocol DeadLetteringFailure: Error, CustomStringConvertible {
    /// Why the input is dead-lettered.
    var deadLetterReason: DeadLetterReason { get }
}

/// An input did not finish within the node's time limit (`StreamerOptions.inputTimeout`).
public struct InputTimedOut: DeadLetteringFailure {
    /// The node.
    public var node: String
    /// The limit that was reached.
    public var limit: Duration
    /// Whether the chain stopped once cancelled; when it did not, it was left behind.
    public var stoppedWhenCancelled: Bool

    /// A timeout of `node` after `limit`.
    public init(node: String, limit: Duration, stoppedWhenCancelled: Bool) {
        self.node = node
        self.limit = limit
        self.stoppedWhenCancelled = stoppedWhenCancelled
    }

    public var deadLetterReason: DeadLetterReason { .inputTimedOut }

    public var description: String {
        "node '\(node)' did not finish the input within \(Self.seconds(limit)) (its inputTimeoutSeconds) and it was cancelled"
            + (stoppedWhenCancelled
                ? ""
                : "; its plugin did not stop when cancelled, so the call was left behind and the node went on with the next input")
            + "; raise inputTimeoutSeconds if the work is legitimately slow, or fix the plugin if it hangs"
    }

    /// `1.5 s`, `250 ms`.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}

/// A failure after which the node cannot go on, whatever its error policy: a Streamer that
/// catches one records and publishes it, then stops as under the `stop` policy, ending its
/// graph's run with the error.
public protocol FatalNodeFailure: Error, CustomStringConvertible {}
