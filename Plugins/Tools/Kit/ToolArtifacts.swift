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
        let value: JSONValue
        do {
            value = try JSONValue(parsing: input.payload)
        } catch {
            throw ToolsError.malformedCall(artifact: input.id, reason: "the payload is not JSON: " + String(input.text.prefix(80)))
        }
        guard let object = value.objectValue else {
            throw ToolsError.malformedCall(artifact: input.id, reason: "the payload is \(value.typeName), not an object")
        }
        guard let id = object["id"]?.stringValue, !id.isEmpty else {
            throw ToolsError.malformedCall(artifact: input.id, reason: "it has no string \"id\" for the result to refer to")
        }
        guard let name = object["name"]?.stringValue, !name.isEmpty else {
            throw ToolsError.malformedCall(artifact: input.id, reason: "it has no string \"name\" of the tool to call")
        }
        return ToolCallRequest(id: id, name: name, arguments: object["arguments"] ?? .null)
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
        .contract(
            tools.map(\.catalogEntry), type: .toolCatalog,
            metadata: [ToolMetadataKey.toolCount: "\(tools.count)"], correlationID: correlationID)
    }

    private static func result(_ payload: ToolResultPayload, for call: ToolCallRequest, correlationID: String?) -> Artifact {
        .contract(
            payload, type: .toolResult,
            metadata: [
                ToolMetadataKey.toolName: call.name, ToolMetadataKey.toolCallID: call.id,
                ToolMetadataKey.isError: payload.isError ? "true" : "false",
            ],
            correlationID: correlationID)
    }
}

/// A `tool/call` as the tools plugin reads it.
struct ToolCallRequest: Sendable, Hashable {
    var id: String
    var name: String
    /// As sent: an object, an array, null, or a string of JSON text.
    var arguments: JSONValue
}

