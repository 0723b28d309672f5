import Manifold

/// Why an `mcp` node could not answer an input at all. A tool call that fails, times out or
/// names an unknown tool is not an error of the node: it gets a `tool/result` with
/// `isError: true` for the model.
public enum MCPNodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A `tool/call` without the id or name a result needs.
    case malformedCall(artifact: ArtifactID, reason: String)
    /// An input of a type the plugin does not take.
    case unsupportedInput(artifact: ArtifactID, type: ArtifactType)

    /// A complete message.
    public var description: String {
        switch self {
        case .malformedCall(let artifact, let reason):
            return "mcp: tool/call \(artifact) cannot be answered: \(reason); "
                + "send {\"id\": \"…\", \"name\": \"…\", \"arguments\": {…}}"
        case .unsupportedInput(let artifact, let type):
            return "mcp: input \(artifact) has type \(type), which the mcp plugin does not take; send tool/call or tool/list"
        }
    }
}
