import Foundation

/// One NATS message: its subject, headers and body.
public struct NATSMessage: Sendable, Equatable {
    /// The subject it was published to.
    public var subject: String
    /// Its headers, by name (NATS headers may repeat a name; the first value is kept).
    public var headers: [String: String]
    /// Its body.
    public var body: Data

    public init(subject: String, headers: [String: String] = [:], body: Data = Data()) {
        self.subject = subject
        self.headers = headers
        self.body = body
    }
}
