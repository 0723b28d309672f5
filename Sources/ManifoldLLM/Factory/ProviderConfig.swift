import ManifoldJSON

/// A provider as a configuration file describes it.
///
/// ```json
/// {"provider": "openai", "model": "gpt-4o-mini", "apiKeyEnv": "OPENAI_API_KEY",
///  "baseURL": "http://localhost:11434/v1", "timeoutSeconds": 120, "maxRetries": 2}
/// ```
/// Keys are never written in a configuration: `apiKeyEnv` names the environment variable
/// that holds one.
public struct ProviderConfig: Sendable, Hashable, Codable {
    /// Which wire format to speak.
    public var provider: ProviderKind
    /// The API root; each kind has a default (`https://api.openai.com/v1`, …).
    public var baseURL: String?
    /// The default model for requests that name none.
    public var model: String?
    /// The environment variable holding the API key. Defaults: `OPENAI_API_KEY`,
    /// `ANTHROPIC_API_KEY`; Ollama uses none unless one is named.
    public var apiKeyEnv: String?
    /// The read timeout: the longest silence from the server, before the headers or between
    /// stream bytes (default 120).
    public var timeoutSeconds: Double?
    /// The connect timeout (default 10).
    public var connectTimeoutSeconds: Double?
    /// The longest a model call may take in all, retries included (default 600): a server
    /// that keeps a stream going without finishing it is cut off then.
    public var requestTimeoutSeconds: Double?
    /// The most bytes of one response read (default 16 MiB).
    public var maxResponseBytes: Int?
    /// The most bytes of one stream event, an SSE event or an NDJSON line (default 1 MiB).
    public var maxEventBytes: Int?
    /// Retries after the first attempt for 429, 5xx and connection failures (default 2).
    public var maxRetries: Int?
    /// Anthropic's `max_tokens` for requests that set none (default 4096). The request's
    /// token limit is also counted on the client: see `FinishReason.length`.
    public var maxTokens: Int?
    /// Extra HTTP headers for every request.
    public var headers: [String: String]?
    /// The turns of a scripted provider.
    public var script: [ScriptedTurn]?
    /// A scripted provider's pause before each streamed piece.
    public var chunkDelayMilliseconds: Int?
    /// OpenAI only: whether the model is a reasoning model (sent `max_completion_tokens`,
    /// refused a temperature other than 1); decided by the model's name when absent (see
    /// `OpenAIReasoning`).
    public var reasoning: Bool?
    /// OpenAI only: sent as `reasoning_effort` (`minimal`, `low`, `medium`, `high`, …).
    public var reasoningEffort: String?
    /// Members added to every request body, for server options this configuration does not
    /// model. A key the provider sets itself is refused (see `ProviderFactory.reservedBodyKeys`);
    /// for Ollama, `options` is merged into the sampling options member by member.
    public var extraBody: [String: JSONValue]?

    /// Creates a configuration.
    public init(
        provider: ProviderKind,
        baseURL: String? = nil,
        model: String? = nil,
        apiKeyEnv: String? = nil,
        timeoutSeconds: Double? = nil,
        connectTimeoutSeconds: Double? = nil,
        requestTimeoutSeconds: Double? = nil,
        maxResponseBytes: Int? = nil,
        maxEventBytes: Int? = nil,
        maxRetries: Int? = nil,
        maxTokens: Int? = nil,
        headers: [String: String]? = nil,
        script: [ScriptedTurn]? = nil,
        chunkDelayMilliseconds: Int? = nil,
        reasoning: Bool? = nil,
        reasoningEffort: String? = nil,
        extraBody: [String: JSONValue]? = nil
    ) {
        self.provider = provider
        self.baseURL = baseURL
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxResponseBytes = maxResponseBytes
        self.maxEventBytes = maxEventBytes
        self.maxRetries = maxRetries
        self.maxTokens = maxTokens
        self.headers = headers
        self.script = script
        self.chunkDelayMilliseconds = chunkDelayMilliseconds
        self.reasoning = reasoning
        self.reasoningEffort = reasoningEffort
        self.extraBody = extraBody
    }
}
