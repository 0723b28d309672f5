import Foundation
import Manifold
import ManifoldJSON

/// An input a node holds until a person decides on it.
public struct ApprovalRequest: Sendable, Hashable {
    /// What a person names to decide (`manifold approve RUN TOKEN`): derived from the node and
    /// the input's id, so the same input asks with the same token after a resume, and two
    /// inputs (two tool calls of one model turn) never share one.
    public let token: String
    /// The node whose input waits.
    public let node: String
    /// The input that waits.
    public let input: ArtifactID
    /// Its type.
    public let type: ArtifactType
    /// Its conversation, when it has one.
    public let correlationID: String?
    /// For a `tool/call`: the tool it calls.
    public let tool: String?
    /// What is asked, for a person to read: `{"type", "tool", "arguments"}` for a tool call,
    /// `{"type", "text"}` (the start of the payload) otherwise, and the rule it matched.
    public let subject: JSONValue

    /// Makes a request for `input` at `node`; `rule` describes the rule it matched; `call` is
    /// the payload of a `tool/call` as an object (`nil` for any other input).
    public init(node: String, input: Artifact, rule: String, call: JSONObject?) {
        self.node = node
        self.input = input.id
        self.type = input.type
        self.correlationID = input.correlationID
        self.token = ApprovalToken.make(node: node, input: input.id)
        self.tool = call?["name"]?.stringValue
        var subject: [String: JSONValue] = ["type": .string(input.type.description), "rule": .string(rule)]
        if let call, let tool {
            subject["tool"] = .string(tool)
            subject["arguments"] = call["arguments"] ?? .null
        } else {
            subject["text"] = .string(String(decoding: input.payload.prefix(Self.shownBytes), as: UTF8.self))
        }
        self.subject = .object(subject)
    }

    /// How much of a payload that is no tool call a request shows.
    static let shownBytes = 400

    /// One line for a person: `tool 'pow' {"x":2,"y":10}`, or the type and the start of the text.
    public var summary: String {
        if let tool { return "tool '\(tool)' " + (subject["arguments"]?.jsonText ?? "null") }
        return "\(type) " + (subject["text"]?.jsonText ?? "\"\"")
    }
}

/// What a person decided on an `ApprovalRequest`.
public enum ApprovalDecision: Sendable, Hashable {
    /// The input goes on; with `edit`, changed first (a tool call's arguments, or the payload).
    case approved(edit: JSONValue?)
    /// The input does not go on: a tool call is answered with an error result the model reads,
    /// any other input fails with `reason`.
    case denied(reason: String)
}

/// A decision and who made it.
public struct ApprovalVerdict: Sendable, Hashable {
    /// The decision.
    public let decision: ApprovalDecision
    /// Who made it: `manifold approve` (host and pid), the run's prompt, or the time limit.
    public let decidedBy: String

    /// A verdict.
    public init(_ decision: ApprovalDecision, decidedBy: String) {
        self.decision = decision
        self.decidedBy = decidedBy
    }
}
