/// Everything that can go wrong talking to a model, with messages a person can act on.
///
/// No case ever carries an API key: server messages are scrubbed of the key before they are
/// stored, and authentication errors name the environment variable to fix instead.
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
    /// The stream held something other than the wire format: `expected` says what should
    /// have come, `snippet` shows (the start of) what came.
    case malformedStream(provider: String, expected: String, snippet: String)
    /// The stream ended, or the connection dropped, before the provider's end marker.
    case streamTruncated(provider: String, expected: String, reason: String?)
    /// The provider reported an error inside a stream that had started with HTTP 200.
    case streamError(provider: String, type: String, message: String)
    /// The scripted provider was asked for more assistant turns than its script has.
    case scriptExhausted(turn: Int, scriptLength: Int)

    /// A one-paragraph explanation, naming what to fix when there is something to fix.
    public var description: String {
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
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
