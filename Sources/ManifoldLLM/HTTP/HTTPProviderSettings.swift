import ManifoldJSON

/// Connection settings shared by the HTTP providers.
public struct HTTPProviderSettings: Sendable, CustomStringConvertible {
    /// The API root without the endpoint, e.g. `https://api.openai.com/v1`; a trailing `/` is
    /// ignored.
    public var baseURL: String
    /// The key to send, if any; its description is redacted.
    public var apiKey: APIKey?
    /// The environment variable the key came from, named in authentication errors (the key
    /// itself never is).
    public var apiKeyEnvironmentVariable: String?
    /// The model used when a request names none.
    public var defaultModel: String?
    /// How long to wait for a TCP/TLS connection.
    public var connectTimeoutSeconds: Double
    /// How long the server may stay silent, before the response headers or between stream
    /// bytes. This is an idle limit, not a total: a long answer that keeps streaming is fine.
    public var readTimeoutSeconds: Double
    /// The longest a model call may take from the request to the end of its answer, retries
    /// included. `readTimeoutSeconds` only bounds silence; this bounds a server that keeps
    /// sending (keep-alives, one byte at a time) but never finishes.
    public var requestTimeoutSeconds: Double
    /// The most bytes of one response body read; a larger answer fails the call instead of
    /// growing memory without bound.
    public var maxResponseBytes: Int
    /// The most bytes of one stream event (an SSE event with all its `data:` lines, an NDJSON
    /// line); one that grows past it without ending fails the call.
    public var maxEventBytes: Int
    /// When and how often to retry.
    public var retry: RetryPolicy
    /// Headers added to every request (an organisation id, a gateway's own auth, …).
    public var extraHeaders: [String: String]
    /// Members added to every request body, for server options the request does not model
    /// (OpenAI `seed` or `service_tier`, Ollama `keep_alive` or `options.num_ctx`, …). They never
    /// replace a member the provider sets (`ProviderFactory` refuses such keys); a request's
    /// own `ChatRequest.extraBody` does.
    public var extraBody: [String: JSONValue]

    /// Creates settings.
    public init(
        baseURL: String,
        apiKey: APIKey? = nil,
        apiKeyEnvironmentVariable: String? = nil,
        defaultModel: String? = nil,
        connectTimeoutSeconds: Double = 10,
        readTimeoutSeconds: Double = 120,
        requestTimeoutSeconds: Double = defaultRequestTimeoutSeconds,
        maxResponseBytes: Int = defaultMaxResponseBytes,
        maxEventBytes: Int = defaultMaxEventBytes,
        retry: RetryPolicy = RetryPolicy(),
        extraHeaders: [String: String] = [:],
        extraBody: [String: JSONValue] = [:]
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.defaultModel = defaultModel
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.readTimeoutSeconds = readTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxResponseBytes = maxResponseBytes
        self.maxEventBytes = maxEventBytes
        self.retry = retry
        self.extraHeaders = extraHeaders
        self.extraBody = extraBody
    }

    /// The default of `requestTimeoutSeconds`: 10 minutes, far beyond a long answer of a slow
    /// model, far below "forever".
    public static let defaultRequestTimeoutSeconds: Double = 600
    /// The default of `maxResponseBytes`: 16 MiB, thousands of times a long answer's stream.
    public static let defaultMaxResponseBytes = 16 << 20
    /// The default of `maxEventBytes`: 1 MiB; a streamed event carries one small delta.
    public static let defaultMaxEventBytes = 1 << 20

    /// A summary without secrets: extra header values may be credentials too, so only their
    /// names are shown.
    public var description: String {
        let key = apiKey == nil ? "none" : "set" + (apiKeyEnvironmentVariable.map { " from \($0)" } ?? "")
        let headers = extraHeaders.keys.sorted().joined(separator: ", ")
        let body = extraBody.keys.sorted().joined(separator: ", ")
        return "HTTPProviderSettings(baseURL: \(baseURL), model: \(defaultModel ?? "none"), apiKey: \(key), "
            + "connectTimeout: \(connectTimeoutSeconds) s, readTimeout: \(readTimeoutSeconds) s, "
            + "requestTimeout: \(requestTimeoutSeconds) s, maxResponseBytes: \(maxResponseBytes), maxEventBytes: \(maxEventBytes), "
            + "maxRetries: \(retry.maxRetries), extraHeaders: [\(headers)], extraBody: [\(body)])"
    }

    /// `baseURL + path` with exactly one `/` between them.
    func url(for path: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
