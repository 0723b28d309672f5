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
    /// When and how often to retry.
    public var retry: RetryPolicy
    /// Headers added to every request (an organisation id, a gateway's own auth, …).
    public var extraHeaders: [String: String]

    /// Creates settings.
    public init(
        baseURL: String,
        apiKey: APIKey? = nil,
        apiKeyEnvironmentVariable: String? = nil,
        defaultModel: String? = nil,
        connectTimeoutSeconds: Double = 10,
        readTimeoutSeconds: Double = 120,
        retry: RetryPolicy = RetryPolicy(),
        extraHeaders: [String: String] = [:]
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.defaultModel = defaultModel
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.readTimeoutSeconds = readTimeoutSeconds
        self.retry = retry
        self.extraHeaders = extraHeaders
    }

    /// A summary without secrets: extra header values may be credentials too, so only their
    /// names are shown.
    public var description: String {
        let key = apiKey == nil ? "none" : "set" + (apiKeyEnvironmentVariable.map { " from \($0)" } ?? "")
        let headers = extraHeaders.keys.sorted().joined(separator: ", ")
        return "HTTPProviderSettings(baseURL: \(baseURL), model: \(defaultModel ?? "none"), apiKey: \(key), "
            + "connectTimeout: \(connectTimeoutSeconds) s, readTimeout: \(readTimeoutSeconds) s, "
            + "maxRetries: \(retry.maxRetries), extraHeaders: [\(headers)])"
    }

    /// `baseURL + path` with exactly one `/` between them.
    func url(for path: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
