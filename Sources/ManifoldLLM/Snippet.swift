/// Short excerpts of wire text for error messages: enough to recognise what came, never a
/// whole body (which could be megabytes, or carry content that does not belong in a log line).
enum Snippet {
    /// The default longest excerpt, in characters.
    static let defaultLimit = 200

    /// `text` scrubbed of `secrets` (before the cut, so no start of a secret survives it),
    /// on one line (`\n`, `\r`, `\t` shown as escapes), with every other control character
    /// escaped (`ControlCharacters`), and cut to `limit` characters with `…`.
    static func make(_ text: String, limit: Int = defaultLimit, secrets: Secrets = .none) -> String {
        var visible = ""
        for character in secrets.scrub(text) {
            switch character {
            case "\n": visible += "\\n"
            case "\r": visible += "\\r"
            case "\r\n": visible += "\\r\\n"
            case "\t": visible += "\\t"
            default: visible += ControlCharacters.escaped(String(character))
            }
            if visible.count >= limit { return String(visible.prefix(limit)) + "…" }
        }
        return visible
    }

    /// The same for raw bytes, decoded leniently as UTF-8.
    static func make<Bytes: Collection<UInt8>>(bytes: Bytes, limit: Int = defaultLimit, secrets: Secrets = .none) -> String {
        make(String(decoding: bytes.prefix(limit * 4 + 1024), as: UTF8.self), limit: limit, secrets: secrets)
    }
}
