/// A subscription pattern: a topic name whose tokens may be `*` (exactly one token) or, as
/// the last token, `>` (one or more tokens), as in NATS: `agents.*.out`, `agents.>`.
///
/// Wildcards never match the hub's `$` system topics: to hear `$dead-letter` or `$errors`,
/// subscribe to them by name (or `$errors.>`-style patterns starting with the same token).
public struct TopicPattern: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The pattern as written.
    public let text: String
    private let tokens: [Substring]

    /// Validates and parses a pattern.
    ///
    /// - Throws: `TopicError` for an empty token, a `>` that is not last, or a token that
    ///   mixes a wildcard with other characters.
    public init(_ text: String) throws {
        try TopicSyntax.validateName(text, allowWildcards: true)
        self.text = text
        self.tokens = text.split(separator: ".", omittingEmptySubsequences: false)
    }

    /// The pattern that matches exactly `topic`.
    public init(exactly topic: Topic) {
        self.text = topic.name
        self.tokens = topic.name.split(separator: ".", omittingEmptySubsequences: false)
    }

    /// Whether the pattern contains `*` or `>`.
    public var hasWildcards: Bool {
        tokens.contains { $0 == "*" || $0 == ">" }
    }

    /// Whether an artifact published to `topic` is delivered to a subscription with this pattern.
    public func matches(_ topic: Topic) -> Bool {
        matches(name: topic.name)
    }

    func matches(name: String) -> Bool {
        // Walks the name's tokens in place instead of splitting it into an array: routing and
        // wiring checks match every subscription's patterns against a topic, and the array
        // made per match dominated connecting thousands of nodes.
        var rest: Substring? = name[...]  // the tokens not yet read; nil once all are
        func popToken() -> Substring? {
            guard let current = rest else { return nil }
            if let dot = current.utf8.firstIndex(of: UInt8(ascii: ".")) {
                rest = current[current.index(after: dot)...]
                return current[..<dot]
            }
            rest = nil
            return current
        }
        if name.hasPrefix("$"), let first = tokens.first,
            first != name[..<(name.utf8.firstIndex(of: UInt8(ascii: ".")) ?? name.endIndex)]
        {
            return false
        }
        for token in tokens {
            if token == ">" { return rest != nil }
            guard let next = popToken() else { return false }
            if token != "*" && token != next { return false }
        }
        return rest == nil
    }

    /// Whether some topic could match both patterns (used to find producers for a consumer
    /// whose own subscription is a pattern).
    public func overlaps(_ other: TopicPattern) -> Bool {
        // Wildcards never reach `$` system topics, so a system pattern overlaps only a pattern
        // that starts with the same system token.
        let mySystem = tokens.first?.hasPrefix("$") == true
        let theirSystem = other.tokens.first?.hasPrefix("$") == true
        if mySystem || theirSystem {
            guard mySystem && theirSystem && tokens.first == other.tokens.first else { return false }
        }
        var left = tokens[...]
        var right = other.tokens[...]
        while let mine = left.first, let theirs = right.first {
            if mine == ">" || theirs == ">" { return true }
            if mine != "*" && theirs != "*" && mine != theirs { return false }
            left = left.dropFirst()
            right = right.dropFirst()
        }
        return left.isEmpty && right.isEmpty
    }

    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            try self.init(try container.decode(String.self))
        } catch let error as TopicError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
