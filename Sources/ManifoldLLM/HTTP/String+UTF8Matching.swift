extension String {
    /// Whether the UTF-8 bytes of `text` occur in this string's.
    ///
    /// Byte for byte, so scalar by scalar, where `contains` compares characters: a secret
    /// followed by a combining mark or a zero-width joiner ends inside a character there, and
    /// was not found.
    func containsUTF8(_ text: String) -> Bool {
        firstUTF8Range(of: Array(text.utf8), in: Array(utf8), from: 0) != nil
    }

    /// This string with every occurrence of the UTF-8 bytes of `target` replaced by
    /// `replacement`, left to right, never overlapping. Byte for byte, as `containsUTF8`:
    /// `replacingOccurrences(of:with:)` matches characters and left a secret in place when the
    /// text went on with a combining mark. Both strings are valid UTF-8, so a match starts and
    /// ends on scalar boundaries and the result is valid UTF-8 too.
    func replacingUTF8(_ target: String, with replacement: String) -> String {
        let pattern = Array(target.utf8)
        let bytes = Array(utf8)
        guard !pattern.isEmpty, var match = firstUTF8Range(of: pattern, in: bytes, from: 0) else { return self }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var copied = 0
        while true {
            result += bytes[copied..<match.lowerBound]
            result += replacement.utf8
            copied = match.upperBound
            guard let next = firstUTF8Range(of: pattern, in: bytes, from: copied) else { break }
            match = next
        }
        result += bytes[copied...]
        return String(decoding: result, as: UTF8.self)
    }
}

/// Where `pattern` first occurs in `bytes` at or after `start`. A plain scan: the texts
/// scrubbed are error messages and snippets (at most tens of kilobytes) and the patterns
/// secrets (tens of bytes).
private func firstUTF8Range(of pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Range<Int>? {
    guard !pattern.isEmpty, bytes.count - start >= pattern.count else { return nil }
    for offset in start...(bytes.count - pattern.count) where bytes[offset] == pattern[0] {
        if bytes[offset..<offset + pattern.count].elementsEqual(pattern) { return offset..<offset + pattern.count }
    }
    return nil
}
