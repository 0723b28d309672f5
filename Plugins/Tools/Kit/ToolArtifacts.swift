import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON

/// The artifact types and payload shapes the tools plugin speaks.
///
/// Inputs:
/// - `tool/call`: `{"id": "call_1", "name": "pow", "arguments": {"x": 2, "y": 10}}`;
///   `arguments` may also be a JSON array (by position), `null`/absent (no arguments), or a
///   string holding JSON text (as some providers send it).
/// - `tool/list`: any payload; answered with one `tool/catalog`.
///
/// Outputs:
/// - `tool/result`: `{"id", "name", "content", "isError", "result"}`: `content` is the text
///   the model reads (the value as JSON text, a string as itself, or the error message);
///   `result` is the value as JSON (absent on error).
/// - `tool/catalog`: `[{"name", "description", "parameters"}, …]`.
///
/// Outputs keep the input's correlation id, so results find the agent's conversation.
public enum ToolArtifacts {
    /// The call in a `tool/call` input.
    static func call(in input: Artifact) throws -> ToolCallRequest {
        do {
            return try ToolCallPayload.read(from: input)
        } catch {
            throw ToolsError.malformedCall(artifact: input.id, reason: error.reason)
        }
    }

    static func success(_ value: JSONValue, for call: ToolCallRequest, correlationID: String?) -> Artifact {
        let content = value.stringValue ?? value.jsonText
        return result(
            ToolResultPayload(id: call.id, name: call.name, content: content, isError: false, result: value),
            for: call, correlationID: correlationID)
    }

    static func failure(_ message: String, for call: ToolCallRequest, correlationID: String?) -> Artifact {
        result(ToolResultPayload(id: call.id, name: call.name, content: message, isError: true), for: call, correlationID: correlationID)
    }

    static func catalog(_ tools: [BoundTool], correlationID: String?) -> Artifact {
        .toolCatalog(tools.map(\.catalogEntry), correlationID: correlationID)
    }

    private static func result(_ payload: ToolResultPayload, for call: ToolCallRequest, correlationID: String?) -> Artifact {
        .toolResult(payload, correlationID: correlationID)
    }
}

/// A `tool/call` as the tools plugin reads it.
typealias ToolCallRequest = ToolCallPayload
