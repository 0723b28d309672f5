import ManifoldJSON

/// The members of a `chat.completion.chunk` the decoder follows, read by `JSONScanner` from
/// the event's bytes: the text of the first choice, its refusal, its tool-call fragments and
/// its finish reason. One chunk arrives per token, and a `JSONValue` tree of it (five
/// dictionaries) cost more than everything else the decoder does.
///
/// `scan` answers `nil` for a chunk it does not read this way, and the decoder then takes the
/// general path (`JSONValue`), which handles it or says what is wrong: invalid JSON, an
/// `error` or `usage` member that is not null (once per stream at most), a member of a type
/// the general path would ignore, two choices with index 0.
struct OpenAIChunk {
    /// One element of `delta.tool_calls`.
    struct ToolFragment {
        var index: Int?
        var id: String?
        var name: String?
        var arguments: String?
    }

    /// The followed choice (index 0); `nil` when the chunk has none.
    var content: String?
    var refusal: String?
    var toolFragments: [ToolFragment] = []
    var finishReason: String?
    /// Whether the chunk had a choice with index 0.
    var hasChoice = false

    /// Reads `bytes`, one chunk's JSON.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> OpenAIChunk? {
        var chunk = OpenAIChunk()
        let read = JSONScanner.scan(UnsafeRawBufferPointer(bytes)) { scanner in
            scanner.object { name, scanner in
                if name == "choices" {
                    return scanner.null() || scanner.array { chunk.readChoice(&$0) }
                }
                // Both need the general path when present; null is the same as absent.
                if name == "usage" || name == "error" { return scanner.null() }
                return scanner.skip()
            }
        }
        return read ? chunk : nil
    }

    private mutating func readChoice(_ scanner: inout JSONScanner) -> Bool {
        var index: Int64 = 0
        var choice = OpenAIChunk()
        let read = scanner.object { name, scanner in
            if name == "index" { return scanner.null() || Self.read(scanner.integer(), into: &index) }
            if name == "delta" { return scanner.null() || choice.readDelta(&scanner) }
            if name == "finish_reason" { return Self.readOptional(&scanner, into: &choice.finishReason) }
            return scanner.skip()
        }
        guard read else { return false }
        guard index == 0 else { return true }
        guard !hasChoice else { return false }
        choice.hasChoice = true
        self = choice
        return true
    }

    private mutating func readDelta(_ scanner: inout JSONScanner) -> Bool {
        scanner.object { name, scanner in
            if name == "content" { return Self.readOptional(&scanner, into: &content) }
            if name == "refusal" { return Self.readOptional(&scanner, into: &refusal) }
            if name == "tool_calls" {
                return scanner.null() || scanner.array { scanner in
                    var fragment = ToolFragment()
                    let read = scanner.object { name, scanner in
                        if name == "index" {
                            var index: Int64 = 0
                            if scanner.null() { return true }
                            guard Self.read(scanner.integer(), into: &index) else { return false }
                            fragment.index = Int(clamping: index)
                            return true
                        }
                        if name == "id" { return Self.readOptional(&scanner, into: &fragment.id) }
                        if name == "function" {
                            return scanner.null() || scanner.object { name, scanner in
                                if name == "name" { return Self.readOptional(&scanner, into: &fragment.name) }
                                if name == "arguments" { return Self.readOptional(&scanner, into: &fragment.arguments) }
                                return scanner.skip()
                            }
                        }
                        return scanner.skip()
                    }
                    toolFragments.append(fragment)
                    return read
                }
            }
            return scanner.skip()
        }
    }

    /// A string or null (left `nil`); any other value declines.
    private static func readOptional(_ scanner: inout JSONScanner, into field: inout String?) -> Bool {
        if scanner.null() { return true }
        field = scanner.string()
        return field != nil
    }

    private static func read(_ value: Int64?, into field: inout Int64) -> Bool {
        guard let value else { return false }
        field = value
        return true
    }
}
