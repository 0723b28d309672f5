import Foundation
import Manifold
import ManifoldJSON

/// `tool/call`: a model asks for a tool to run.
///
/// ```json
/// {"id": "call_1", "name": "pow", "arguments": {"x": 2, "y": 10}}
/// ```
///
/// `arguments` is the model's JSON object, or the model's raw text as a JSON string when it
/// was not valid JSON (a tool may still make sense of it, or report the error to the model).
public struct ToolCallPayload: Sendable, Hashable, Codable {
    /// The call's id; the result refers to it.
    public var id: String
    /// The tool's name.
    public var name: String
    /// The arguments.
    public var arguments: JSONValue

    /// A call.
    public init(id: String, name: String, arguments: JSONValue) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

extension ToolCallPayload {
    /// The call a `tool/call` artifact carries.
    ///
    /// - Throws: `ToolCallProblem` saying what is missing, for a message to the sender.
    public static func read(from artifact: Artifact) throws(ToolCallProblem) -> ToolCallPayload {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: artifact.payload)
        } catch {
            throw ToolCallProblem(reason: "the payload is not JSON: " + String(artifact.text.prefix(80)))
        }
        guard let object = value.objectValue else {
            throw ToolCallProblem(reason: "the payload is \(value.typeName), not an object")
        }
        guard let id = object["id"]?.stringValue, !id.isEmpty else {
            throw ToolCallProblem(reason: "it has no string \"id\" for the result to refer to")
        }
        guard let name = object["name"]?.stringValue, !name.isEmpty else {
            throw ToolCallProblem(reason: "it has no string \"name\" of the tool to call")
        }
        return ToolCallPayload(id: id, name: name, arguments: object["arguments"] ?? .null)
    }

    /// The arguments as JSON: a string is parsed as the JSON text some providers send, and
    /// none (null, or a blank string) is an empty object. `nil` when the string is not JSON.
    public var parsedArguments: JSONValue? {
        switch arguments {
        case .null:
            return .object([:])
        case .string(let text):
            if text.allSatisfy(\.isWhitespace) { return .object([:]) }
            return try? JSONValue(parsing: text)
        default:
            return arguments
        }
    }
}

/// Why a `tool/call` artifact holds no call that can be answered.
public struct ToolCallProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. `it has no string "id" for the result to refer to`.
    public let reason: String

    /// A problem.
    public init(reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}

/// `tool/result`: what a tool call gave.
///
/// ```json
/// {"id": "call_1", "name": "pow", "content": "1024", "isError": false, "result": 1024}
/// ```
///
/// `content` is the text the model reads (the value as JSON text, a string as itself, or the
/// error message); `result` is the value as JSON, absent on error.
public struct ToolResultPayload: Sendable, Hashable, Codable {
    /// The id of the call it answers.
    public var id: String
    /// The tool's name.
    public var name: String?
    /// The text the model reads.
    public var content: String
    /// Whether the call failed.
    public var isError: Bool
    /// The value, as JSON (absent on error).
    public var result: JSONValue?

    /// A result.
    public init(id: String, name: String?, content: String, isError: Bool, result: JSONValue? = nil) {
        self.id = id
        self.name = name
        self.content = content
        self.isError = isError
        self.result = result
    }
}

/// One entry of a `tool/catalog` (a JSON array of them): a tool a model may call.
///
/// ```json
/// {"name": "pow", "description": "x to the power y", "parameters": {"type": "object", …}}
/// ```
public struct ToolCatalogEntry: Sendable, Hashable, Codable {
    /// The tool's name.
    public var name: String
    /// What it does, for the model.
    public var description: String
    /// A JSON Schema of its arguments, if it takes any.
    public var parameters: JSONValue?

    /// An entry.
    public init(name: String, description: String, parameters: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// Metadata keys that travel with tool calls and results, whoever writes them.
public enum ToolMetadataKey {
    /// The tool's name (on `tool/call` and `tool/result`).
    public static let toolName = "tool.name"
    /// The call's id (on `tool/call`, and on the `tool/result` that answers it).
    public static let toolCallID = "tool.call_id"
    /// On `tool/result`: `true` when the call failed.
    public static let isError = "tool.is_error"
    /// On `tool/catalog`: how many tools it lists.
    public static let toolCount = "tool.count"
}

extension Artifact {
    /// A `tool/result` answering a call, with the metadata every tool node writes (the tool's
    /// name, the call's id, whether it failed) and the call's correlation id, so the result
    /// finds the conversation that asked.
    public static func toolResult(_ payload: ToolResultPayload, correlationID: String?) -> Artifact {
        var metadata = [ToolMetadataKey.toolCallID: payload.id, ToolMetadataKey.isError: payload.isError ? "true" : "false"]
        if let name = payload.name { metadata[ToolMetadataKey.toolName] = name }
        return .contract(payload, type: .toolResult, metadata: metadata, correlationID: correlationID)
    }

    /// A `tool/catalog` listing `entries`, with their count in the metadata.
    public static func toolCatalog(_ entries: [ToolCatalogEntry], correlationID: String?) -> Artifact {
        .contract(entries, type: .toolCatalog, metadata: [ToolMetadataKey.toolCount: "\(entries.count)"], correlationID: correlationID)
    }
}
