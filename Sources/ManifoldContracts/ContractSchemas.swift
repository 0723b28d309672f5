import Manifold
import ManifoldJSON

/// The JSON Schemas (draft 2020-12) of the `chat/*` and `tool/*` payloads, each with the
/// example `docs/agents.md` shows: what a tool that only sees an artifact type can know of
/// its payload. `manifold check-plugin` makes its sample inputs from them, and a `schema`
/// middleware can check a topic against one.
///
/// Each schema accepts what the readers of this module accept (a `chat/message` without a
/// role, a `tool/call` whose arguments are the model's raw text), so a payload a schema
/// refuses is one no reader here would take.
public enum ContractSchemas {
    /// The schema of a contract type's payload; `nil` for any other type. Parameters of the
    /// type are ignored (`chat/message;v=1` is a `chat/message`).
    public static func schema(for type: ArtifactType) -> JSONValue? {
        all[type.withoutParameters]
    }

    /// Every contract type and its payload's schema.
    public static let all: [ArtifactType: JSONValue] = [
        .chatMessage: chatMessage, .chatDelta: chatDelta, .toolCall: toolCall, .toolResult: toolResult,
        .toolList: toolList, .toolCatalog: toolCatalog,
    ]

    /// `{"role": "user", "content": "…"}`; the role may be left out (a user turn) or null.
    public static let chatMessage: JSONValue = [
        "type": "object", "required": ["content"],
        "properties": ["role": ["enum": ["user", "assistant", "system", nil]], "content": ["type": "string"]],
        "examples": [["role": "user", "content": "What is 2 to the power of 10?"]],
    ]

    /// `{"text": "…"}`: one streamed piece of an answer.
    public static let chatDelta: JSONValue = [
        "type": "object", "required": ["text"], "properties": ["text": ["type": "string"]],
        "examples": [["text": "Hel"]],
    ]

    /// `{"id": …, "name": …, "arguments": …}`: arguments are a JSON object, or the model's raw
    /// text when it was not JSON.
    public static let toolCall: JSONValue = [
        "type": "object", "required": ["id", "name", "arguments"],
        "properties": [
            "id": ["type": "string"], "name": ["type": "string", "minLength": 1],
            "arguments": ["type": ["object", "string"]],
        ],
        "examples": [["id": "call_1", "name": "pow", "arguments": ["x": 2, "y": 10]]],
    ]

    /// `{"id": …, "name": …, "content": …, "isError": …, "result": …}`; `result` is absent on
    /// error.
    public static let toolResult: JSONValue = [
        "type": "object", "required": ["id", "content", "isError"],
        "properties": [
            "id": ["type": "string"], "name": ["type": ["string", "null"]], "content": ["type": "string"],
            "isError": ["type": "boolean"],
        ],
        "examples": [["id": "call_1", "name": "pow", "content": "1024", "isError": false, "result": 1024]],
    ]

    /// `{}`: a request for the tools node's catalog.
    public static let toolList: JSONValue = ["type": "object", "examples": [[:]]]

    /// `[{"name": …, "description": …, "parameters": {JSON Schema}}, …]`.
    public static let toolCatalog: JSONValue = [
        "type": "array",
        "items": [
            "type": "object", "required": ["name", "description"],
            "properties": [
                "name": ["type": "string", "minLength": 1], "description": ["type": "string"],
                "parameters": ["type": ["object", "boolean"]],
            ],
        ],
        "examples": [[
            [
                "name": "pow", "description": "x raised to the power y.",
                "parameters": [
                    "type": "object", "required": ["x", "y"],
                    "properties": ["x": ["type": "number"], "y": ["type": "number"]],
                ],
            ]
        ]],
    ]
}
