/// Ollama's native chat API.
///
/// Streams `POST {baseURL}/api/chat` as NDJSON. No key is needed for a local server; one set
/// (for a proxy or a hosted Ollama) is sent as `Authorization: Bearer`.
public struct OllamaProvider: ChatProvider, CustomStringConvertible {
    /// `http://localhost:11434`.
    public static let defaultBaseURL = "http://localhost:11434"

    /// The name used in errors; `"ollama"` unless set.
    public let name: String
    /// Where and how to connect.
    public let settings: HTTPProviderSettings
    private let transport: HTTPTransport

    /// Creates a provider with its own HTTP client.
    public init(settings: HTTPProviderSettings = HTTPProviderSettings(baseURL: defaultBaseURL), name: String = "ollama") {
        self.name = name
        self.settings = settings
        transport = HTTPTransport(
            connectTimeoutSeconds: settings.connectTimeoutSeconds, readTimeoutSeconds: settings.readTimeoutSeconds)
    }

    /// A summary without secrets.
    public var description: String { "OllamaProvider(\(settings))" }

    /// Streams the answer to `request`.
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        EventStream.make { [name, settings, transport] continuation in
            let model = try ProviderSupport.model(for: request, settings: settings, provider: name)
            var headers: [(name: String, value: String)] = [("Accept", "application/x-ndjson")]
            if let key = settings.apiKey { headers.append(("Authorization", "Bearer \(key.value)")) }
            let call = StreamingCall(
                provider: name,
                transport: transport,
                settings: settings,
                path: "/api/chat",
                headers: headers,
                body: OllamaRequestEncoder.body(for: request, model: model, extraBody: settings.extraBody).serialized(),
                model: model,
                makeDecoder: {
                    OllamaStreamDecoder(DecoderSettings(provider: name, settings: settings, maxOutputTokens: request.maxTokens))
                }
            )
            try await call.run(into: continuation)
        }
    }
}
