/// Why the model stopped generating.
public enum FinishReason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A natural end of the answer or a stop sequence.
    case stop
    /// The token limit (`maxTokens`) cut the answer: the server said so, or the client
    /// counted a text or tool-argument piece past the limit and stopped reading (tool calls
    /// still incomplete then are left out of the message).
    case length
    /// The model wants tools run; the assistant message carries the calls.
    case toolCalls
    /// The provider's safety filter withheld content.
    case contentFilter
    /// The model declined to answer: OpenAI sent its reason as `refusal` content (which is
    /// the message's text), or Anthropic stopped with `stop_reason: "refusal"`.
    case refusal
    /// A reason this module does not model, as the provider named it.
    case other(String)

    /// The snake_case name used when encoding (`"tool_calls"`, …).
    public var description: String {
        switch self {
        case .stop: return "stop"
        case .length: return "length"
        case .toolCalls: return "tool_calls"
        case .contentFilter: return "content_filter"
        case .refusal: return "refusal"
        case .other(let reason): return reason
        }
    }

    /// Maps a name back; unknown names become `.other`.
    public init(name: String) {
        switch name {
        case "stop": self = .stop
        case "length": self = .length
        case "tool_calls": self = .toolCalls
        case "content_filter": self = .contentFilter
        case "refusal": self = .refusal
        default: self = .other(name)
        }
    }

    /// Decodes from the snake_case name.
    public init(from decoder: any Decoder) throws {
        self.init(name: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes as the snake_case name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
