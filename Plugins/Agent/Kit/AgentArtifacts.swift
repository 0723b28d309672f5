import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON
import ManifoldLLM

/// The artifact types and payload shapes the agent speaks.
///
/// Outputs (all JSON, UTF-8):
/// - `chat/delta`: `{"text": "…"}`, one per streamed text piece, in order.
/// - `tool/call`: `{"id": "call_1", "name": "pow", "arguments": {…}}`; `arguments` is the
///   model's JSON object, or the model's raw text as a JSON string when it was not valid JSON.
/// - `chat/message`: `{"role": "assistant", "content": "…"}`, once per user turn.
/// - `tool/list`: `{}`, asking tool nodes for their catalog (`toolCatalog: "request"`).
///
/// Inputs:
/// - `text/plain`: the user's turn as text.
/// - `chat/message`: `{"role": "user", "content": "…"}` (`role` may be omitted).
/// - `tool/result`: `{"id": "call_1", "name": "pow", "content": "1024", "isError": false}`;
///   `toolCallID` or `tool_call_id` may stand for `id`; `result` (any JSON) may stand for
///   `content`, and is given to the model as its JSON text (a string as itself).
/// - `tool/catalog`: `[{"name": …, "description": …, "parameters": {…}}, …]`.
///
/// Every output carries the conversation key (the input's correlation id, else its id) as
/// its correlation id, so tool results and later turns find their conversation.
public enum AgentArtifacts {
    /// The conversation an artifact belongs to: its correlation id, else its own id.
    public static func conversationKey(of artifact: Artifact) -> String {
        artifact.correlationID ?? artifact.id.rawValue
    }

    // MARK: Reading inputs

    /// The user's message in a `text/plain` or `chat/message` input.
    static func userMessage(in input: Artifact) throws -> ChatMessage {
        if input.type.type == "text" {
            return .user(input.text)
        }
        let value = try json(in: input, expecting: "a chat message object {\"role\": \"user\", \"content\": \"…\"}")
        guard let object = value.objectValue, let content = object["content"]?.stringValue else {
            throw AgentError.malformedInput(
                artifact: input.id, type: input.type, expected: "an object with a string \"content\"", got: value.jsonText)
        }
        if let role = object["role"], role.stringValue != ChatRole.user.rawValue {
            throw AgentError.malformedInput(
                artifact: input.id, type: input.type,
                expected: "role \"user\" (set instructions with config.systemPrompt)", got: role.jsonText)
        }
        return .user(content)
    }

    /// The tool result in a `tool/result` input.
    static func toolResult(in input: Artifact) throws -> ToolResultInput {
        let value = try json(in: input, expecting: "a tool result object")
        guard let object = value.objectValue else {
            throw AgentError.malformedInput(artifact: input.id, type: input.type, expected: "a JSON object", got: value.jsonText)
        }
        let id = (object["id"] ?? object["toolCallID"] ?? object["tool_call_id"])?.stringValue
        guard let id, !id.isEmpty else {
            throw AgentError.malformedInput(
                artifact: input.id, type: input.type, expected: "a string \"id\" naming the tool call it answers",
                got: value.jsonText)
        }
        let content: String
        switch object["content"] ?? object["result"] {
        case .string(let text)?: content = text
        case let other?: content = other.jsonText
        case nil: content = ""
        }
        return ToolResultInput(
            id: id, name: object["name"]?.stringValue, content: content, isError: object["isError"]?.boolValue ?? false)
    }

    /// The tool definitions in a `tool/catalog` input.
    static func catalog(in input: Artifact) throws -> [ToolDefinition] {
        let value = try json(in: input, expecting: "a JSON array of tool definitions")
        guard let entries = value.arrayValue else {
            throw AgentError.malformedInput(
                artifact: input.id, type: input.type, expected: "a JSON array of {name, description, parameters}",
                got: value.jsonText)
        }
        return try entries.enumerated().map { index, entry in
            guard let name = entry["name"]?.stringValue, ToolNames.isValid(name) else {
                throw AgentError.malformedInput(
                    artifact: input.id, type: input.type, expected: "a valid tool \"name\" in entry [\(index)]",
                    got: entry.jsonText)
            }
            let description = entry["description"]?.stringValue ?? ""
            if let parameters = entry["parameters"], parameters != .null {
                return ToolDefinition(name: name, description: description, parameters: parameters)
            }
            return ToolDefinition(name: name, description: description)
        }
    }

    private static func json(in input: Artifact, expecting expected: String) throws -> JSONValue {
        do {
            return try JSONValue(parsing: input.payload)
        } catch {
            throw AgentError.malformedInput(
                artifact: input.id, type: input.type, expected: expected,
                got: "text that is not JSON: " + String(input.text.prefix(80)))
        }
    }

    // MARK: Making outputs

    static func delta(_ text: String, key: String, metadata: [String: String]) -> Artifact {
        ChatDelta(text: text).artifact(metadata: metadata, correlationID: key)
    }

    static func toolCall(_ call: ToolCall, key: String, metadata: [String: String]) -> Artifact {
        let arguments: JSONValue = call.hasValidArguments ? call.arguments : .string(call.argumentsText)
        var metadata = metadata
        metadata[ToolMetadataKey.toolName] = call.name
        metadata[ToolMetadataKey.toolCallID] = call.id
        return .contract(
            ToolCallPayload(id: call.id, name: call.name, arguments: arguments), type: .toolCall, metadata: metadata,
            correlationID: key)
    }

    static func answer(_ content: String, key: String, metadata: [String: String]) -> Artifact {
        .contract(ChatMessagePayload(role: "assistant", content: content), type: .chatMessage, metadata: metadata, correlationID: key)
    }

    static func listRequest(key: String) -> Artifact {
        Artifact(type: .toolList, payload: Data("{}".utf8), correlationID: key)
    }
}

/// A `tool/result` as the agent reads it.
struct ToolResultInput: Sendable, Hashable {
    /// The id of the call it answers.
    var id: String
    /// The tool's name, when the result says.
    var name: String?
    /// The text the model reads.
    var content: String
    /// Whether the tool failed.
    var isError: Bool
}

/// Metadata keys the agent writes on its outputs.
public enum AgentMetadataKey {
    /// Input tokens of the model call that produced the artifact (`tool/call`, `chat/message`).
    public static let inputTokens = "usage.input_tokens"
    /// Output tokens of the model call that produced the artifact.
    public static let outputTokens = "usage.output_tokens"
    /// The part of `usage.input_tokens` read from the provider's prompt cache, when reported.
    public static let cacheReadInputTokens = "usage.cache_read_input_tokens"
    /// The part of `usage.input_tokens` written to the provider's prompt cache, when reported.
    public static let cacheCreationInputTokens = "usage.cache_creation_input_tokens"
    /// On `chat/message`: input tokens of every model call of the user turn.
    public static let totalInputTokens = "usage.total_input_tokens"
    /// On `chat/message`: output tokens of every model call of the user turn.
    public static let totalOutputTokens = "usage.total_output_tokens"
    /// On `chat/message`: why the model stopped (`stop`, `length`, `refusal`, …, or
    /// `tool_round_limit`).
    public static let finishReason = "agent.finish_reason"
    /// On `chat/message`: how many tool rounds the turn took.
    public static let toolRounds = "agent.tool_rounds"
    /// On `chat/message`: how many model calls the turn took.
    public static let modelCalls = "agent.model_calls"
    /// On `tool/call` and `chat/message`: the model asked, when the provider's config names one.
    public static let model = "agent.model"
    /// On `tool/call` and `chat/message`: how long the model call that produced it took, in
    /// milliseconds, from the request to the end of the answer.
    public static let callMilliseconds = "agent.call.ms"
    /// On `tool/call` and `chat/message`: how long until the model's answer began (its first
    /// streamed event), in milliseconds.
    public static let firstEventMilliseconds = "agent.call.first_event_ms"
    /// On every model output: the tool round it belongs to (0 before any tool ran).
    public static let round = "agent.round"
    /// On `chat/delta`: its position among the deltas of one model call, from 0.
    public static let deltaIndex = "agent.delta.index"
}
