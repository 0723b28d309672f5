import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON

/// A middleware whose inputs may wait a long time without using the node (for a person):
/// the node lets this many wait beside the `concurrency` inputs it works on, and only those
/// reach the middleware after it (`GraphRun` puts a `ConcurrencyGate` there).
public protocol ParkingMiddleware: Middleware {
    /// How many inputs may wait in it at once; more wait in the node's queue.
    var maximumParked: Int { get }
}

/// The `approval` middleware: inputs its rules match wait at the run's `ApprovalDesk` until a
/// person decides. Approved, they go on (edited, if the person changed them); denied, a
/// `tool/call` is answered with a `tool/result` error the model reads, and any other input
/// fails with the reason.
public struct ApprovalMiddleware: ParkingMiddleware {
    public let name = "approval"
    public let maximumParked: Int
    let node: String
    let rules: ApprovalRules
    let desk: ApprovalDesk
    /// Seconds until an undecided input is denied.
    let timeLimit: Double?

    /// The middleware for `node` with `config` (checked against `ApprovalPlugin.configSchema`).
    ///
    /// - Throws: `ApprovalConfigError`.
    public init(node: String, config: JSONValue, desk: ApprovalDesk) throws {
        self.node = node
        self.desk = desk
        rules = try ApprovalRules(config: config)
        maximumParked = Int(config["maxPending"]?.integerValue ?? 64)
        timeLimit = config["timeoutSeconds"]?.doubleValue
    }

    public func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        // Read once: the rules, the request and a denial's answer all need the call.
        let call = input.type == .toolCall ? (try? JSONValue(parsing: input.payload))?.objectValue : nil
        guard let rule = rules.match(input, call: call) else { return try await next(input, context) }
        let request = ApprovalRequest(node: node, input: input, rule: rule, call: call)
        let verdict = try await desk.verdict(for: request, timeLimit: timeLimit)
        switch verdict.decision {
        case .approved(let edit):
            try await next(edit.map { Self.apply($0, to: input, call: call, token: request.token) } ?? input, context)
        case .denied(let reason):
            guard let call, let id = call["id"]?.stringValue else {
                throw ApprovalDeniedError(token: request.token, node: node, reason: reason, decidedBy: verdict.decidedBy)
            }
            let name = call["name"]?.stringValue
            try await context.emit(.contract(
                ToolResultPayload(id: id, name: name, content: "A person denied this tool call: \(reason)", isError: true),
                type: .toolResult,
                metadata: [
                    ToolMetadataKey.toolName: name ?? "", ToolMetadataKey.toolCallID: id, ToolMetadataKey.isError: "true",
                    ApprovalMetadataKey.token: request.token, ApprovalMetadataKey.decision: "denied",
                ],
                correlationID: input.correlationID))
        }
    }

    /// `input` as a person edited it: a tool call's arguments replaced by `edit`; any other
    /// JSON payload replaced by it; a text payload by the string (or the JSON text).
    static func apply(_ edit: JSONValue, to input: Artifact, call: JSONObject?, token: String) -> Artifact {
        var edited = input
        if var call {
            call["arguments"] = edit
            edited.payload = JSONValue.object(call).serialized()
        } else if input.type.type == "text", let text = edit.stringValue {
            edited.payload = Data(text.utf8)
        } else {
            edited.payload = edit.serialized()
        }
        edited.metadata[ApprovalMetadataKey.token] = token
        edited.metadata[ApprovalMetadataKey.decision] = "edited"
        return edited
    }
}

/// Metadata the `approval` middleware adds to what it changes or answers.
public enum ApprovalMetadataKey {
    /// The token of the approval.
    public static let token = "approval.token"
    /// `edited` on an input a person changed, `denied` on the error result of a denied call.
    public static let decision = "approval.decision"
}

/// A denied input that is no tool call: it fails, with the person's reason.
public struct ApprovalDeniedError: Error, CustomStringConvertible {
    /// The approval's token.
    public let token: String
    /// The node that held it.
    public let node: String
    /// Why it was denied.
    public let reason: String
    /// Who denied it.
    public let decidedBy: String

    public var description: String { "node '\(node)': input denied (approval \(token), by \(decidedBy)): \(reason)" }
}
