import ManifoldJSON

/// A model's request to run one tool, fully assembled from the stream.
///
/// Both forms of the arguments are kept: `arguments` for the agent to use, and `argumentsText`
/// exactly as the model produced it, so that an invalid JSON argument can be shown back to the
/// model ("your arguments did not parse: …") and so that the next request replays the call
/// byte for byte to providers that take arguments as a string.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The provider's id for the call; a tool result refers to it by `ChatMessage.toolCallID`.
    public var id: String
    /// The name of the tool to run.
    public var name: String
    /// The parsed arguments: a JSON object, or `.null` when `argumentsText` is not a JSON object.
    public var arguments: JSONValue
    /// The arguments as the model wrote them (JSON text, possibly invalid).
    public var argumentsText: String

    /// Creates a call from parsed arguments; the text form is their compact JSON.
    public init(id: String, name: String, arguments: JSONValue) {
        self.id = id
        self.name = name
        self.arguments = arguments
        self.argumentsText = arguments.jsonText
    }

    /// Creates a call from the model's argument text, parsing it.
    ///
    /// Empty text counts as `{}`: OpenAI-compatible servers send `""` for a tool without
    /// parameters, and Anthropic sends no `partial_json` at all.
    public init(id: String, name: String, argumentsText: String) {
        self.id = id
        self.name = name
        self.argumentsText = argumentsText
        self.arguments = ToolCall.parseArguments(argumentsText)
    }

    /// Whether `argumentsText` parsed to a JSON object.
    public var hasValidArguments: Bool {
        arguments.objectValue != nil
    }

    /// The arguments as an object for wire formats that need one (`{}` when they did not parse).
    var argumentsObject: JSONValue {
        hasValidArguments ? arguments : .object([:])
    }

    static func parseArguments(_ text: String) -> JSONValue {
        if text.allSatisfy(\.isWhitespace) { return .object([:]) }
        guard let value = try? JSONValue(parsing: text), value.objectValue != nil else { return .null }
        return value
    }
}
