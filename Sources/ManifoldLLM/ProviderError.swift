/// Everything that can go wrong talking to a model, with messages a person can act on.
///
/// No case ever carries an API key: server messages are scrubbed of the key (and of secret
/// header values) before they are stored, and authentication errors name the environment
/// variable to fix instead. No description carries a terminal control character: text from
/// outside is escaped (`ControlCharacters`).
public enum ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A provider that needs a key found none in `environmentVariable`.
    case missingAPIKey(provider: String, environmentVariable: String)
    /// The configuration cannot work (unknown provider, bad URL, no model, empty script, …).
    case invalidConfiguration(String)
    /// HTTP 401 or 403: the key is missing, wrong, or lacks permission.
    case authenticationFailed(provider: String, status: Int, environmentVariable: String?, message: String)
    /// HTTP 404: usually an unknown model, sometimes a wrong base URL.
    case modelNotFound(provider: String, model: String, path: String, message: String)
    /// HTTP 400, 422 and other client errors, with the provider's explanation.
    case badRequest(provider: String, status: Int, message: String)
    /// HTTP 429 after every retry, or with a `Retry-After` longer than the policy accepts.
    case rateLimited(provider: String, attempts: Int, retryAfterSeconds: Double?, message: String)
    /// HTTP 5xx after every retry.
    case serverError(provider: String, status: Int, attempts: Int, message: String)
    /// Any other unexpected HTTP status (a redirect, for instance).
    case unexpectedStatus(provider: String, status: Int, message: String)
    /// The server could not be reached, or dropped the connection before answering.
    case connectionFailed(provider: String, attempts: Int, reason: String)
    /// No byte arrived for `seconds` while waiting for `phase`.
    case timedOut(provider: String, phase: String, seconds: Double)
    /// The call (retries included) was not done after `seconds`, the provider configuration's
    /// `requestTimeoutSeconds`, although the server kept sending.
    case requestTimedOut(provider: String, seconds: Double)
    /// The response body grew past `limit` bytes, the provider configuration's `maxResponseBytes`.
    case responseTooLarge(provider: String, limit: Int)
    /// One event of the stream (an SSE event, an NDJSON line) grew past `limit` bytes, the
    /// provider configuration's `maxEventBytes`.
    case eventTooLarge(provider: String, limit: Int)
    /// The stream held something other than the wire format: `expected` says what should
    /// have come, `snippet` shows (the start of) what came.
    case malformedStream(provider: String, expected: String, snippet: String)
    /// The stream ended, or the connection dropped, before the provider's end marker.
    case streamTruncated(provider: String, expected: String, reason: String?)
    /// The provider reported an error inside a stream that had started with HTTP 200.
    case streamError(provider: String, type: String, message: String)
    /// The scripted provider was asked for more assistant turns than its script has.
    case scriptExhausted(turn: Int, scriptLength: Int)

    /// A one-paragraph explanation, naming what to fix when there is something to fix; text
    /// from outside has its control characters escaped.
    public var description: String {
        ControlCharacters.escaped(explanation)
    }

    private var explanation: String {
        switch self {
        case .missingAPIKey(let provider, let variable):
            return "\(provider): no API key: set the environment variable \(variable)"
        case .invalidConfiguration(let reason):
            return "invalid provider configuration: \(reason)"
        case .authenticationFailed(let provider, let status, let variable, let message):
            let fix = variable.map { "set the environment variable \($0) to a valid API key" } ?? "check the API key"
            return "\(provider): authentication failed (HTTP \(status)): \(fix)\(Self.detail(message))"
        case .modelNotFound(let provider, let model, let path, let message):
            return "\(provider): not found (HTTP 404) for model '\(model)' at \(path): check the model name and the base URL\(Self.detail(message))"
        case .badRequest(let provider, let status, let message):
            return "\(provider): request rejected (HTTP \(status))\(Self.detail(message))"
        case .rateLimited(let provider, let attempts, let retryAfter, let message):
            let wait = retryAfter.map { ", server asked to wait \(Self.seconds($0))" } ?? ""
            return "\(provider): rate limited (HTTP 429) after \(Self.attempts(attempts))\(wait)\(Self.detail(message))"
        case .serverError(let provider, let status, let attempts, let message):
            return "\(provider): server error (HTTP \(status)) after \(Self.attempts(attempts))\(Self.detail(message))"
        case .unexpectedStatus(let provider, let status, let message):
            return "\(provider): unexpected HTTP status \(status)\(Self.detail(message))"
        case .connectionFailed(let provider, let attempts, let reason):
            return "\(provider): connection failed after \(Self.attempts(attempts)): \(reason)"
        case .timedOut(let provider, let phase, let seconds):
            return "\(provider): timed out after \(Self.seconds(seconds)) \(phase)"
        case .requestTimedOut(let provider, let seconds):
            return "\(provider): the model call did not finish within \(Self.seconds(seconds)) (requestTimeoutSeconds) although the "
                + "server kept the stream going; it was cut off. Raise \"requestTimeoutSeconds\" in the provider configuration "
                + "if answers take longer"
        case .responseTooLarge(let provider, let limit):
            return "\(provider): the response grew past \(Self.bytes(limit)) (maxResponseBytes) and was cut off. Raise "
                + "\"maxResponseBytes\" in the provider configuration if answers are that large"
        case .eventTooLarge(let provider, let limit):
            return "\(provider): one event of the stream grew past \(Self.bytes(limit)) (maxEventBytes) without ending and "
                + "was cut off. Raise \"maxEventBytes\" in the provider configuration if the server's events are that large"
        case .malformedStream(let provider, let expected, let snippet):
            return "\(provider): malformed stream: expected \(expected), got: \(snippet)"
        case .streamTruncated(let provider, let expected, let reason):
            let why = reason.map { " (\($0))" } ?? ""
            return "\(provider): stream ended before \(expected)\(why)"
        case .streamError(let provider, let type, let message):
            return "\(provider): error in stream: \(type): \(message)"
        case .scriptExhausted(let turn, let length):
            return "scripted: no turn \(turn + 1) in a script of \(length) turn\(length == 1 ? "" : "s")"
        }
    }

    private static func detail(_ message: String) -> String {
        message.isEmpty ? "" : ": \(message)"
    }

    private static func attempts(_ count: Int) -> String {
        count == 1 ? "1 attempt" : "\(count) attempts"
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int(value)) s" : "\(value) s"
    }

    /// `16 MiB (16777216 bytes)`; a count that is no whole number of KiB as bytes alone.
    static func bytes(_ count: Int) -> String {
        if count >= 1 << 20, count % (1 << 20) == 0 { return "\(count >> 20) MiB (\(count) bytes)" }
        if count >= 1 << 10, count % (1 << 10) == 0 { return "\(count >> 10) KiB (\(count) bytes)" }
        return "\(count) bytes"
    }
}
