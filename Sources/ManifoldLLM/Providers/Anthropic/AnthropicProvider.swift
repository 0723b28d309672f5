/// Anthropic's Messages API.
///
/// Streams `POST {baseURL}/messages` with `x-api-key` and `anthropic-version: 2023-06-01`.
public struct AnthropicProvider: ChatProvider, CustomStringConvertible {
    /// `https://api.anthropic.com/v1`.
    public static let defaultBaseURL = "https://api.anthropic.com/v1"
    /// `ANTHROPIC_API_KEY`.
    public static let defaultAPIKeyEnvironmentVariable = "ANTHROPIC_API_KEY"
    /// The API version this module speaks.
    public static let apiVersion = "2023-06-01"

    /// The name used in errors; `"anthropic"` unless set.
    public let name: String
    /// Where and how to connect.
    public let settings: HTTPProviderSettings
    /// `max_tokens` for requests that set none: the API requires the field.
    public let defaultMaxTokens: Int
    private let transport: HTTPTransport

    /// Creates a provider with its own HTTP client.
    public init(
        settings: HTTPProviderSettings = HTTPProviderSettings(baseURL: defaultBaseURL),
        defaultMaxTokens: Int = 4096,
        name: String = "anthropic"
    ) {
        self.name = name
        self.settings = settings
        self.defaultMaxTokens = defaultMaxTokens
        transport = HTTPTransport(
            connectTimeoutSeconds: settings.connectTimeoutSeconds, readTimeoutSeconds: settings.readTimeoutSeconds)
    }

    /// A summary without secrets.
    public var description: String { "AnthropicProvider(\(settings), defaultMaxTokens: \(defaultMaxTokens))" }

    /// Streams the answer to `request`.
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        EventStream.make { [name, settings, transport, defaultMaxTokens] continuation in
            let model = try ProviderSupport.model(for: request, settings: settings, provider: name)
            var headers: [(name: String, value: String)] = [
                ("Accept", "text/event-stream"),
                ("anthropic-version", Self.apiVersion),
            ]
            if let key = settings.apiKey { headers.append(("x-api-key", key.value)) }
            let call = StreamingCall(
                provider: name,
                transport: transport,
                settings: settings,
                path: "/messages",
                headers: headers,
                body: AnthropicRequestEncoder.body(
                    for: request, model: model, defaultMaxTokens: defaultMaxTokens, extraBody: settings.extraBody
                ).serialized(),
                model: model,
                makeDecoder: {
                    AnthropicStreamDecoder(
                        DecoderSettings(provider: name, settings: settings, maxOutputTokens: request.maxTokens ?? defaultMaxTokens))
                }
            )
            try await call.run(into: continuation)
        }
    }
}
