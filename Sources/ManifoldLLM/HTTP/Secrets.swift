import Foundation

/// The secrets one provider sends with every request, so that no text it reports can show
/// them: its API key, and the values of its extra headers (a gateway's token, an
/// organisation's credentials) that look like credentials.
///
/// Servers echo request headers in their errors (`Authorization: Bearer …`, `x-api-key`),
/// inside HTTP error bodies, in error events after HTTP 200, and in what a malformed event
/// quotes. Every such text is scrubbed before it is cut to a snippet, so a cut cannot leave
/// the start of a secret behind.
package struct Secrets: Sendable {
    private let key: APIKey?
    /// Header values and their credentials, longest first, so a longer value is replaced
    /// before a shorter one it contains.
    private let headerValues: [String]

    /// No secrets: text passes unchanged.
    package static let none = Secrets(apiKey: nil, headers: [:])

    /// Header values shorter than this are not treated as secrets: replacing every `true` or
    /// `v1` in a message would garble it, and such values guard nothing.
    static let shortestHeaderSecret = 8

    /// The key, and those of `headers`' values (and the credentials after `Bearer ` or
    /// `Basic `) long enough to be secrets.
    package init(apiKey: APIKey?, headers: [String: String]) {
        key = apiKey
        var values = Set<String>()
        for value in headers.values {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.count >= Self.shortestHeaderSecret { values.insert(trimmed) }
            // `Bearer <token>`, `Basic <credentials>`: the credential alone may be echoed.
            if let credential = trimmed.split(separator: " ").last.map(String.init), credential != trimmed,
                credential.count >= Self.shortestHeaderSecret
            {
                values.insert(credential)
            }
        }
        headerValues = values.sorted { $0.count > $1.count }
    }

    init(_ settings: HTTPProviderSettings) {
        self.init(apiKey: settings.apiKey, headers: settings.extraHeaders)
    }

    /// `text` with every secret replaced by `[redacted]`.
    package func scrub(_ text: String) -> String {
        var result = text
        // By UTF-8 bytes, not characters (`contains` and `replacingOccurrences` compare
        // characters): a secret followed by a combining mark is still found.
        for value in headerValues where result.containsUTF8(value) {
            result = result.replacingUTF8(value, with: "[redacted]")
        }
        if let key { result = key.redact(result) }
        return result
    }
}
