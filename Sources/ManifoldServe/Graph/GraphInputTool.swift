import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON
import ManifoldManifest

/// One graph input offered as a tool: its name, what it is for, the JSON Schema of its
/// arguments, and how arguments become the artifact the input is fed.
///
/// The schema follows the type the input feeds (its first declared type that is no
/// wildcard; `text/plain` when it declares none):
/// - a contract type (`chat/message`, `tool/call`, …): that type's payload schema, and the
///   arguments are the payload;
/// - another JSON type (`application/json`, `…+json`): any object, which is the payload;
/// - another text type: `{"text": string}`, whose text is the payload;
/// - anything else (binary): `{"base64": string}`, whose decoded bytes are the payload.
public struct GraphInputTool: Sendable {
    /// How arguments become a payload.
    public enum PayloadShape: String, Sendable {
        /// The arguments object is the JSON payload.
        case json
        /// The `text` argument is the payload.
        case text
        /// The `base64` argument, decoded, is the payload.
        case base64
    }

    /// The tool's name: the input's name.
    public let name: String
    /// The input's description, or one made from its types.
    public let description: String
    /// The JSON Schema of the tool's arguments (always an object schema).
    public let inputSchema: JSONValue
    /// The type of the artifacts the input is fed.
    public let type: ArtifactType
    /// How arguments become a payload.
    public let shape: PayloadShape

    /// The tool of one graph input.
    public init(input: GraphPort, graphName: String) {
        name = input.name
        type = input.types.types.first { !$0.isWildcard } ?? .plainText
        if let contract = ContractSchemas.schema(for: type) {
            shape = .json
            inputSchema = contract
        } else if type.isJSON {
            shape = .json
            inputSchema = ["type": "object", "description": .string("The \(type) payload fed to the input.")]
        } else if type.isText {
            shape = .text
            inputSchema = [
                "type": "object", "required": ["text"], "additionalProperties": false,
                "properties": ["text": ["type": "string", "description": .string("The \(type) text fed to the input.")]],
            ]
        } else {
            shape = .base64
            inputSchema = [
                "type": "object", "required": ["base64"], "additionalProperties": false,
                "properties": ["base64": ["type": "string", "contentEncoding": "base64", "description": .string("The \(type) bytes fed to the input, in base64.")]],
            ]
        }
        description = input.description ?? "Feeds the input '\(input.name)' of the graph '\(graphName)' (\(type)) and answers with the graph's outputs for it."
    }

    /// The payload `arguments` stand for.
    ///
    /// - Throws: `GraphInputToolError` naming what is missing or of the wrong kind.
    public func payload(for arguments: JSONValue?) throws -> Data {
        let members = arguments?.objectValue ?? [:]
        switch shape {
        case .json:
            return Data(JSONValue.object(members).serialized())
        case .text:
            guard let text = members["text"] else { throw GraphInputToolError(tool: name, problem: "the argument 'text' is missing; call it with {\"text\": \"…\"}") }
            guard case .string(let string) = text else {
                throw GraphInputToolError(tool: name, problem: "the argument 'text' must be a string, got \(text.jsonText)")
            }
            return Data(string.utf8)
        case .base64:
            guard case .string(let encoded)? = members["base64"] else {
                throw GraphInputToolError(tool: name, problem: "the argument 'base64' (a base64 string of the bytes to feed) is missing or not a string")
            }
            guard let bytes = Data(base64Encoded: encoded) else {
                throw GraphInputToolError(tool: name, problem: "the argument 'base64' is not valid base64")
            }
            return bytes
        }
    }
}

/// Arguments a graph input's tool cannot turn into a payload.
public struct GraphInputToolError: Error, CustomStringConvertible, Sendable {
    /// The tool called.
    public let tool: String
    /// What is wrong and how to call it instead.
    public let problem: String

    public var description: String { "tool '\(tool)': \(problem)" }
}

extension ArtifactType {
    /// Whether the payload is JSON: subtype `json` or suffix `+json`, or a contract family.
    fileprivate var isJSON: Bool {
        subtype == "json" || suffix == "json" || type == "chat" || type == "tool" || type == "manifold"
    }
}
