extension ProviderError {
    /// The error with every text that may quote the server or the wire scrubbed of `secrets`
    /// and its control characters escaped.
    ///
    /// Every error a provider's HTTP call throws passes through here, whichever path made it
    /// (an error body, an event after HTTP 200, a snippet of a malformed event, a transport
    /// failure): one place, so no new path can forget it. The texts were mostly scrubbed
    /// where they were cut; this second pass covers the rest.
    package func sanitized(_ secrets: Secrets) -> ProviderError {
        let clean = { (text: String) in ControlCharacters.escaped(secrets.scrub(text)) }
        switch self {
        case .missingAPIKey, .timedOut, .requestTimedOut, .responseTooLarge, .eventTooLarge, .scriptExhausted:
            return self
        case .invalidConfiguration(let reason):
            return .invalidConfiguration(clean(reason))
        case .authenticationFailed(let provider, let status, let variable, let message):
            return .authenticationFailed(provider: provider, status: status, environmentVariable: variable, message: clean(message))
        case .modelNotFound(let provider, let model, let path, let message):
            return .modelNotFound(provider: provider, model: clean(model), path: clean(path), message: clean(message))
        case .badRequest(let provider, let status, let message):
            return .badRequest(provider: provider, status: status, message: clean(message))
        case .rateLimited(let provider, let attempts, let retryAfter, let message):
            return .rateLimited(provider: provider, attempts: attempts, retryAfterSeconds: retryAfter, message: clean(message))
        case .serverError(let provider, let status, let attempts, let message):
            return .serverError(provider: provider, status: status, attempts: attempts, message: clean(message))
        case .unexpectedStatus(let provider, let status, let message):
            return .unexpectedStatus(provider: provider, status: status, message: clean(message))
        case .connectionFailed(let provider, let attempts, let reason):
            return .connectionFailed(provider: provider, attempts: attempts, reason: clean(reason))
        case .malformedStream(let provider, let expected, let snippet):
            return .malformedStream(provider: provider, expected: clean(expected), snippet: clean(snippet))
        case .streamTruncated(let provider, let expected, let reason):
            return .streamTruncated(provider: provider, expected: expected, reason: reason.map(clean))
        case .streamError(let provider, let type, let message):
            return .streamError(provider: provider, type: clean(type), message: clean(message))
        }
    }
}
