import ManifoldJSON

/// One call to a model: the conversation so far, the tools on offer and sampling settings.
public struct ChatRequest: Sendable, Hashable {
    /// The model to use; `nil` means the provider's configured default model.
    public var model: String?
    /// The conversation, oldest first. System messages may appear anywhere; providers with a
    /// single system field (Anthropic) join them.
    public var messages: [ChatMessage]
    /// Tools the model may call.
    public var tools: [ToolDefinition]
    /// Tool policy; `nil` leaves it to the provider's default.
    public var toolChoice: ToolChoice?
    /// Sampling temperature; `nil` leaves it to the provider.
    public var temperature: Double?
    /// Nucleus sampling; `nil` leaves it to the provider.
    public var topP: Double?
    /// The most tokens to generate; `nil` leaves it to the provider, except Anthropic, which
    /// requires a value and gets the provider's `defaultMaxTokens`.
    public var maxTokens: Int?
    /// Sequences that end generation.
    public var stopSequences: [String]
    /// Extra top-level members merged into the wire body last, for provider options this type
    /// does not model (OpenAI `seed`, Ollama `keep_alive`, …). They override generated members.
    public var extraBody: [String: JSONValue]

    /// Creates a request.
    public init(
        model: String? = nil,
        messages: [ChatMessage],
        tools: [ToolDefinition] = [],
        toolChoice: ToolChoice? = nil,
        temperature: Double? = nil,
        topP: Double? = nil,
        maxTokens: Int? = nil,
        stopSequences: [String] = [],
        extraBody: [String: JSONValue] = [:]
    ) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stopSequences = stopSequences
        self.extraBody = extraBody
    }
}
