import ManifoldJSON

/// A line of Ollama's chat stream that carries only a piece of text (`"done": false`, a
/// message without tool calls), read by `JSONScanner` from the line's bytes: one comes per
/// token, and the decoder handles it without a `JSONValue` tree.
///
/// `scan` answers `nil` for every other line (the `done` line, tool calls, an `error` member)
/// and for one it does not read this way; the decoder then takes the general path, which
/// handles it or says what is wrong.
enum OllamaTextLine {
    /// The text of the line `bytes`; `""` for a line without a message.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var text = ""
        let read = JSONScanner.scan(UnsafeRawBufferPointer(bytes)) { scanner in
            scanner.object { name, scanner in
                switch true {
                case name == "message":
                    return scanner.object { name, scanner in
                        if name == "content" {
                            guard let content = scanner.string() else { return false }
                            text = content
                            return true
                        }
                        // Tool calls, even an empty list, and an error anywhere: the general path.
                        return !(name == "tool_calls") && scanner.skip()
                    }
                case name == "done":
                    return scanner.bool() == false
                case name == "error":
                    return false
                default:
                    return scanner.skip()
                }
            }
        }
        return read ? text : nil
    }
}
