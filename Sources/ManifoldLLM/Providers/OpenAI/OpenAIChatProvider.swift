/// The OpenAI Chat Completions API and the servers that copy it (Ollama's `/v1`, vLLM,
/// llama.cpp's server, LM Studio, LiteLLM, OpenRouter, …).
///
/// Streams `POST {baseURL}/chat/completions` with `stream: true` and usage reporting on;
/// sends `Authorization: Bearer` only when a key is set, so local servers need none.
public struct OpenAIChatProvider: ChatProvider, CustomStringConvertible {
    /// `https://api.openai.com/v1`.
    public static let defaultBaseURL = "https://api.openai.com/v1"
    /// `OPENAI_API_KEY`.
    public static let defaultAPIKeyEnvironmentVariable = "OPENAI_API_KEY"

    /// The name used in errors; `"openai"` unless set.
    public let name: String
    /// Where and how to connect.
    public let settings: HTTPProviderSettings
    /// How requests to reasoning models are shaped.
    public let reasoning: OpenAIReasoning
    private let transport: HTTPTransport

    /// Creates a provider with its own HTTP client.
    public init(
        settings: HTTPProviderSettings = HTTPProviderSettings(baseURL: defaultBaseURL), name: String = "openai",
        reasoning: OpenAIReasoning = OpenAIReasoning()
    ) {
        self.name = name
        self.settings = settings
        self.reasoning = reasoning
        transport = HTTPTransport(
            connectTimeoutSeconds: settings.connectTimeoutSeconds, readTimeoutSeconds: settings.readTimeoutSeconds)
    }

    /// A summary without secrets.
    public var description: String { "OpenAIChatProvider(\(settings))" }

    /// Streams the answer to `request`.
    ///
    /// A request a reasoning model cannot take (a temperature other than 1) fails with
    /// `invalidConfiguration` before anything is sent.
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        EventStream.make { [name, settings, reasoning, transport] continuation in
            let model = try ProviderSupport.model(for: request, settings: settings, provider: name)
            if let problem = reasoning.samplingProblem(model: model, temperature: request.temperature, topP: request.topP) {
                throw ProviderError.invalidConfiguration("\(name): \(problem)")
            }
            var headers: [(name: String, value: String)] = [("Accept", "text/event-stream")]
            if let key = settings.apiKey { headers.append(("Authorization", "Bearer \(key.value)")) }
            let call = StreamingCall(
                provider: name,
                transport: transport,
                settings: settings,
                path: "/chat/completions",
                headers: headers,
                body: OpenAIRequestEncoder.body(
                    for: request, model: model, reasoning: reasoning, extraBody: settings.extraBody
                ).serialized(),
                model: model,
                makeDecoder: {
                    OpenAIStreamDecoder(DecoderSettings(provider: name, settings: settings, maxOutputTokens: request.maxTokens))
                }
            )
            try await call.run(into: continuation)
        }
    }
}
