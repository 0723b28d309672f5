/// One input whose processing failed.
public struct ProcessingFailure: Sendable, Hashable, CustomStringConvertible {
    /// The node.
    public var node: String
    /// The input's id.
    public var input: ArtifactID
    /// The input's type.
    public var inputType: ArtifactType
    /// What went wrong, as the error described itself.
    public var message: String

    public var description: String {
        "node '\(node)' failed on input \(input) (\(inputType)): \(message)"
    }
}

/// What a Streamer did, read at any time or returned by `run()`.
public struct StreamerReport: Sendable, Hashable {
    /// The node.
    public var node: String
    /// Inputs processed to the end without error.
    public var processed = 0
    /// Inputs whose processing threw.
    public var failed = 0
    /// Outputs published.
    public var emitted = 0
    /// Outputs refused because their type is not among the declared output types, or
    /// because the node has no output topic; each was dead-lettered.
    public var rejectedOutputs = 0
    /// The first failures (up to `StreamerOptions.failureHistoryLimit`).
    public var failures: [ProcessingFailure] = []
    /// Whether the Streamer stopped because its task was cancelled.
    public var wasCancelled = false
    /// Time spent processing inputs (through the whole chain, publishing included), summed.
    public var busyTime: Duration = .zero
    /// The longest time one input took.
    public var longestInput: Duration = .zero

    /// Mean time per input, or zero before any.
    public var meanInputTime: Duration {
        let count = processed + failed
        return count == 0 ? .zero : busyTime / count
    }

    /// Makes an empty report for `node`.
    public init(node: String) {
        self.node = node
    }
}

/// Why `Streamer.run()` threw.
public enum StreamerError: Error, Sendable, CustomStringConvertible {
    /// An input failed and the error policy is `stop`.
    case stoppedOnFailure(ProcessingFailure, report: StreamerReport)
    /// `run()` was called on a Streamer that is running or has run.
    case alreadyStarted(node: String)

    public var description: String {
        switch self {
        case .stoppedOnFailure(let failure, _):
            return "\(failure) (error policy: stop)"
        case .alreadyStarted(let node):
            return "Streamer '\(node)' was already started; make a new Streamer to run again"
        }
    }
}
