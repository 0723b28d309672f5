import Foundation

/// One NATS message: its subject, headers and body.
public struct NATSMessage: Sendable, Equatable {
    /// The subject it was published to.
    public var subject: String
    /// Its headers, by name (NATS headers may repeat a name; the first value is kept).
    public var headers: [String: String]
    /// Its body.
    public var body: Data
    /// Where an answer goes, when the sender expects one (JetStream: where to acknowledge it).
    public var reply: String?

    public init(subject: String, headers: [String: String] = [:], body: Data = Data(), reply: String? = nil) {
        self.subject = subject
        self.headers = headers
        self.body = body
        self.reply = reply
    }
}
