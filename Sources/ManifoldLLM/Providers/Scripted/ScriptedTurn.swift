import ManifoldJSON

/// One assistant turn the scripted provider plays back.
///
/// In JSON: `{"text": "Hello there"}`, `{"toolCalls": [{"name": "read_file", "arguments":
/// {"path": "a.txt"}}]}`, or both (text first, as models do).
public struct ScriptedTurn: Sendable, Hashable, Codable {
    /// The text of the turn, streamed word by word.
    public var text: String?
    /// The tool calls of the turn.
    public var toolCalls: [ScriptedToolCall]?
    /// The usage to report; when absent, a rough count (words of the prompt and the answer)
    /// is reported, so that usage plumbing can be exercised offline.
    public var usage: Usage?

    /// Creates a turn.
    public init(text: String? = nil, toolCalls: [ScriptedToolCall]? = nil, usage: Usage? = nil) {
        self.text = text
        self.toolCalls = toolCalls
        self.usage = usage
    }

    /// A text-only turn.
    public static func text(_ text: String) -> ScriptedTurn {
        ScriptedTurn(text: text)
    }

    /// A turn that only calls tools.
    public static func toolCalls(_ calls: [ScriptedToolCall]) -> ScriptedTurn {
        ScriptedTurn(toolCalls: calls)
    }
}

/// A tool call in a script.
public struct ScriptedToolCall: Sendable, Hashable, Codable {
    /// The call id; `call_<turn>_<position>` when absent.
    public var id: String?
    /// The tool to call.
    public var name: String
    /// The arguments object (`{}` when absent).
    public var arguments: JSONValue

    /// Creates a call.
    public init(id: String? = nil, name: String, arguments: JSONValue = .object([:])) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, arguments
    }

    /// Decodes a call; `arguments` may be omitted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        arguments = try container.decodeIfPresent(JSONValue.self, forKey: .arguments) ?? .object([:])
    }
}
