import Foundation

/// An input a run holds until a person decides on it, as the journal keeps it: asked for by
/// the run (`JournalFile.requestApproval`), decided by `manifold approve` or `deny` from any
/// process (`JournalFile.decideApproval`), applied by the run, or by the run resumed.
public struct JournalApproval: Sendable, Equatable {
    /// What a person decided.
    public enum Decision: String, Sendable, Equatable {
        /// The input goes on (as it was, or with `edit`).
        case approved
        /// The input does not go on; `reason` says why.
        case denied
    }

    /// The run that holds the input.
    public var runID: String
    /// The token a person names to decide: stable for one input of one node, so it is the
    /// same after the run is resumed.
    public var token: String
    /// The node whose input waits.
    public var node: String
    /// The id of the input that waits.
    public var input: String
    /// What is asked, for a person to read (e.g. a tool's name and arguments), as JSON text.
    public var subject: String
    /// When the run asked.
    public var requestedAt: Date
    /// The decision, once made.
    public var decision: Decision?
    /// With an approval: the JSON text the input is changed to (a tool call's arguments).
    public var edit: String?
    /// With a denial: why, for the model or whoever reads the outcome.
    public var reason: String?
    /// When it was decided.
    public var decidedAt: Date?
    /// Who decided: `manifold approve` on a host and pid, or the run's prompt.
    public var decidedBy: String?
    /// When the run acted on the decision.
    public var appliedAt: Date?

    /// A request not yet decided.
    public init(runID: String, token: String, node: String, input: String, subject: String, requestedAt: Date = Date()) {
        self.runID = runID
        self.token = token
        self.node = node
        self.input = input
        self.subject = subject
        self.requestedAt = requestedAt
    }

    /// Whether it still waits for a person.
    public var isPending: Bool { decision == nil }
}

/// What became of a decision handed to `JournalFile.decideApproval`.
public enum ApprovalDecisionOutcome: Sendable, Equatable {
    /// It was recorded: the approval as it now is.
    case recorded(JournalApproval)
    /// Someone decided first; their decision stands.
    case alreadyDecided(JournalApproval)
    /// The run holds no approval with that token; the run's approvals, to name the right one.
    case unknownToken(known: [JournalApproval])
}
