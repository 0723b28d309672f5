import Manifold

/// Why the tools plugin could not answer an input at all. A tool that fails, or is unknown,
/// is not an error of the node: it gets a `tool/result` with `isError: true` for the model.
public enum ToolsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A `tool/call` without the id or name a result needs.
    case malformedCall(artifact: ArtifactID, reason: String)
    /// An input of a type the plugin does not take.
    case unsupportedInput(artifact: ArtifactID, type: ArtifactType)

    /// A complete message.
    public var description: String {
        switch self {
        case .malformedCall(let artifact, let reason):
            return "tools: tool/call \(artifact) cannot be answered: \(reason); "
                + "send {\"id\": \"…\", \"name\": \"…\", \"arguments\": {…}}"
        case .unsupportedInput(let artifact, let type):
            return "tools: input \(artifact) has type \(type), which the tools plugin does not take; send tool/call or tool/list"
        }
    }
}
