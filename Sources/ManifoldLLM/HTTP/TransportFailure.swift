import AsyncHTTPClient

/// What a thrown transport error means for the retry logic.
enum TransportFailure {
    /// The consumer went away; end quietly.
    case cancelled
    /// The server stayed silent past the read timeout; not retried, because a slow model
    /// would only be asked to do the same work again.
    case timedOut
    /// The request can never work as configured (bad URL, unsupported scheme).
    case configuration(String)
    /// Connecting failed or the connection broke: worth retrying while nothing was delivered.
    case connection(String)

    init(_ error: any Error) {
        if error is CancellationError {
            self = .cancelled
            return
        }
        guard let clientError = error as? HTTPClientError else {
            self = .connection(String(describing: error))
            return
        }
        switch clientError {
        case .cancelled:
            self = .cancelled
        case .readTimeout, .deadlineExceeded:
            self = .timedOut
        case .invalidURL, .emptyHost, .emptyScheme:
            self = .configuration("cannot use the URL: \(clientError)")
        case .connectTimeout:
            self = .connection("connecting timed out")
        case .remoteConnectionClosed:
            self = .connection("the server closed the connection")
        default:
            // `unsupportedScheme` carries the scheme, so it cannot be matched as a constant.
            let text = String(describing: clientError)
            self = text.contains("unsupportedScheme") ? .configuration("cannot use the URL: \(text)") : .connection(text)
        }
    }
}
