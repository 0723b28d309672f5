import Foundation
import ManifoldJSON

/// Pulls the human-readable message out of an HTTP error body.
enum ErrorBody {
    /// The longest message kept, in characters.
    static let messageLimit = 500

    /// The provider's message from `bytes`, scrubbed of `secrets`, with control characters
    /// escaped, and cut to `messageLimit`.
    ///
    /// JSON bodies in the common shapes give their message (with the error type in front when
    /// there is one); anything else (an HTML page from a proxy, say) is shown as a snippet.
    static func message(from bytes: [UInt8], secrets: Secrets) -> String {
        let message: String
        if let json = try? JSONValue(parsing: Data(bytes)), let extracted = extract(json) {
            message = extracted
        } else {
            message = String(decoding: bytes, as: UTF8.self)
        }
        return text(message, secrets: secrets)
    }

    /// An error message a server wrote anywhere (a body, an event after HTTP 200), made safe
    /// to show: scrubbed, on one line, escaped and cut to `messageLimit`.
    static func text(_ message: String, secrets: Secrets) -> String {
        Snippet.make(message.trimmingCharacters(in: .whitespacesAndNewlines), limit: messageLimit, secrets: secrets)
    }

    /// OpenAI and Anthropic: `{"error": {"type", "message"}}`; Ollama: `{"error": "…"}`;
    /// FastAPI-based servers (vLLM): `{"detail": "…"}`; others: `{"message": "…"}`.
    static func extract(_ json: JSONValue) -> String? {
        if let error = json["error"] {
            if let text = error.stringValue { return text }
            if let text = error["message"]?.stringValue {
                if let type = error["type"]?.stringValue ?? error["code"]?.stringValue, !type.isEmpty {
                    return "\(type): \(text)"
                }
                return text
            }
        }
        return json["message"]?.stringValue ?? json["detail"]?.stringValue
    }
}
