import Foundation

/// The address of a NATS server, as given by `--hub` or a manifest's `hub.transport`:
/// `nats://[user[:password]@]host[:port]` (port 4222 when left out), or `tls://…` for a server
/// that takes only TLS connections.
///
/// The credentials it may carry are never shown: `redacted` is what messages print.
public struct NATSServerURL: Sendable, Hashable, CustomStringConvertible {
    /// The URL as given, credentials included: only for the client library.
    let text: String
    /// The URL without its credentials (`nats://***@host:port` when it had some).
    public let redacted: String

    /// Parses a server URL.
    ///
    /// - Throws: `NATSError` naming what is wrong and the form that works.
    public init(_ text: String) throws(NATSError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme, Self.schemes.contains(scheme),
            let host = components.host, !host.isEmpty
        else {
            throw NATSError(
                server: Self.scrub(text), problem: "is not a NATS server URL",
                fix: "write it as nats://HOST:PORT, e.g. nats://127.0.0.1:4222 (tls://HOST:PORT for TLS; credentials as nats://USER:PASSWORD@HOST:PORT)")
        }
        guard components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil else {
            throw NATSError(
                server: Self.scrub(text), problem: "has a path, query or fragment, which a NATS server URL does not take",
                fix: "write it as nats://HOST:PORT")
        }
        self.text = text
        let port = components.port ?? 4222
        let hasCredentials = components.user != nil || components.password != nil
        redacted = "\(scheme)://\(hasCredentials ? "***@" : "")\(host):\(port)"
        isTLS = scheme == "tls"
    }

    /// The schemes of a NATS server URL: `nats`, and `tls` for a connection that must use TLS.
    public static let schemes: Set<String> = ["nats", "tls"]

    /// Whether the URL asks for TLS (`tls://`).
    public let isTLS: Bool

    /// Whether `text` is meant as a NATS server URL (it may still be malformed).
    public static func looksLikeURL(_ text: String) -> Bool {
        schemes.contains { text.hasPrefix($0 + "://") }
    }

    public var description: String { redacted }

    /// `text` with anything between `//` and `@` hidden, for a URL that did not parse.
    public static func scrub(_ text: String) -> String {
        guard let scheme = text.range(of: "//"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex) else {
            return text
        }
        return text[..<scheme.upperBound] + "***" + text[at.lowerBound...]
    }
}
