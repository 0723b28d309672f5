/// What a decoder is told besides the bytes: whose stream it reads, what must never appear in
/// what its errors quote, and its limits.
package struct DecoderSettings: Sendable {
    /// The provider's name for errors.
    package var provider: String
    /// Scrubbed from every snippet before it is cut.
    package var secrets: Secrets = .none
    /// The most bytes of one event (an SSE event, an NDJSON line).
    package var maxEventBytes: Int = HTTPProviderSettings.defaultMaxEventBytes
    /// The request's token limit, counted on the client; `nil` for none. See `AnswerBuilder`.
    package var maxOutputTokens: Int?
    /// Whether the per-token events are read with `JSONScanner` in place before the general
    /// `JSONValue` path. Always on in use; turned off only to check that both paths decode a
    /// stream to the same events (the fuzz targets and the decoder tests).
    package var scansChunks = true

    /// The settings a provider's call uses.
    init(provider: String, settings: HTTPProviderSettings, maxOutputTokens: Int?) {
        self.provider = provider
        secrets = Secrets(settings)
        maxEventBytes = settings.maxEventBytes
        self.maxOutputTokens = maxOutputTokens
    }

    /// Defaults for `provider`: no secrets, no token limit.
    package init(provider: String) {
        self.provider = provider
    }
}
