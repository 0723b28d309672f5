import Foundation

/// An API key that never shows itself.
///
/// Its `description`, `debugDescription` and mirror are redacted, so printing, `dump`-ing or
/// string-interpolating a provider, its settings or this key cannot leak the secret into logs.
/// Only the providers read the value, to put it in a request header.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself; internal so it is reachable only where a header is built.
    let value: String

    /// Wraps a key.
    public init(_ value: String) {
        self.value = value
    }

    /// Always `APIKey(redacted)`.
    public var description: String { "APIKey(redacted)" }

    /// Always `APIKey(redacted)`.
    public var debugDescription: String { description }

    /// A mirror with no children, so reflection-based printing shows nothing secret.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Replaces every occurrence of the key in `text`: servers sometimes echo (part of) the
    /// key in their error messages, and those messages end up in `ProviderError`.
    func redact(_ text: String) -> String {
        guard value.count >= 4 else { return text }
        // By UTF-8 bytes, not characters: a key followed by a combining mark is still found.
        var result = text.replacingUTF8(value, with: "[redacted]")
        // OpenAI echoes a masked key ("sk-abc***wxyz"); its unmasked ends still identify it.
        if value.count >= 12 {
            result = result.replacingUTF8(String(value.prefix(8)), with: "[redacted]")
            result = result.replacingUTF8(String(value.suffix(6)), with: "[redacted]")
        }
        return result
    }
}
