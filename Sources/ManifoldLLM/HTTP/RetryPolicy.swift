/// When to try a request again, and how long to wait first.
///
/// Retries happen only for HTTP 429, HTTP 5xx and connection failures, and only before any
/// event has reached the caller: once part of an answer was delivered, a retry would repeat
/// it, so a later failure is reported instead.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt (`0` disables retrying).
    public var maxRetries: Int
    /// The wait before the first retry; each further retry doubles it.
    public var initialBackoffSeconds: Double
    /// The longest computed wait.
    public var maxBackoffSeconds: Double
    /// The longest `Retry-After` honoured; a server asking for more gets a `rateLimited` or
    /// `serverError` right away rather than a silent long sleep.
    public var maxRetryAfterSeconds: Double

    /// Creates a policy.
    public init(
        maxRetries: Int = 2,
        initialBackoffSeconds: Double = 0.5,
        maxBackoffSeconds: Double = 8,
        maxRetryAfterSeconds: Double = 60
    ) {
        self.maxRetries = max(0, maxRetries)
        self.initialBackoffSeconds = max(0, initialBackoffSeconds)
        self.maxBackoffSeconds = max(0, maxBackoffSeconds)
        self.maxRetryAfterSeconds = max(0, maxRetryAfterSeconds)
    }

    /// The wait before retry number `retry` (1-based), or `nil` when the server's
    /// `Retry-After` is beyond `maxRetryAfterSeconds`.
    ///
    /// A server-given `Retry-After` is used as is: it knows when its limit resets. Otherwise
    /// the exponential backoff is scaled by a random factor in [0.5, 1] ("equal jitter") so that
    /// many agents rate-limited together do not retry in lockstep.
    func delay(beforeRetry retry: Int, retryAfter: Double?) -> Double? {
        if let retryAfter {
            return retryAfter <= maxRetryAfterSeconds ? max(0, retryAfter) : nil
        }
        let exponent = Double(max(0, min(retry - 1, 30)))
        let backoff = min(maxBackoffSeconds, initialBackoffSeconds * pow2(exponent))
        return backoff * Double.random(in: 0.5...1.0)
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 2 }
        return result
    }
}
