/// What a decoder is told besides the bytes: whose stream it reads, what must never appear in
/// what its errors quote, and its limits.
struct DecoderSettings: Sendable {
    /// The provider's name for errors.
    var provider: String
    /// Scrubbed from every snippet before it is cut.
    var secrets: Secrets = .none
    /// The most bytes of one event (an SSE event, an NDJSON line).
    var maxEventBytes: Int = HTTPProviderSettings.defaultMaxEventBytes
    /// The request's token limit, counted on the client; `nil` for none. See `AnswerBuilder`.
    var maxOutputTokens: Int?

    /// The settings a provider's call uses.
    init(provider: String, settings: HTTPProviderSettings, maxOutputTokens: Int?) {
        self.provider = provider
        secrets = Secrets(settings)
        maxEventBytes = settings.maxEventBytes
        self.maxOutputTokens = maxOutputTokens
    }

    /// Defaults for `provider`: no secrets, no token limit.
    init(provider: String) {
        self.provider = provider
    }
}
