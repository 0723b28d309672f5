/// The name of a topic on a hub: dot-separated tokens such as `agents.coder.out`.
///
/// Tokens are non-empty and contain no whitespace, `*` or `>` (those are pattern wildcards).
/// Names whose first token starts with `$` are the hub's system topics.
public struct Topic: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The topic's name.
    public let name: String

    /// Validates and wraps a topic name.
    ///
    /// - Throws: `TopicError` naming the bad token and how to write a valid name.
    public init(_ name: String) throws {
        try TopicSyntax.validateName(name, allowWildcards: false)
        self.name = name
    }

    /// Wraps a name known to be valid (system topics).
    init(validated name: String) {
        self.name = name
    }

    /// Whether this is one of the hub's `$`-prefixed system topics.
    public var isSystem: Bool { name.hasPrefix("$") }

    public var description: String { name }

    public static func < (lhs: Topic, rhs: Topic) -> Bool { lhs.name < rhs.name }

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
        try container.encode(name)
    }

    /// Where the hub sends artifacts nobody could receive: no subscriber, refused by type,
    /// dropped by a backpressure policy, or left in a cancelled subscription. Each carries the
    /// reason in its metadata (`MetadataKey.deadLetterReason`).
    public static let deadLetter = Topic(validated: "$dead-letter")
    /// Where Streamers publish `manifold/error` artifacts describing failed processing.
    public static let errors = Topic(validated: "$errors")
    /// The topic under which direct sends (`Hub.send(_:to:)`) are counted.
    public static let direct = Topic(validated: "$direct")
    /// Every subscription hears what is published here, whatever its patterns.
    public static let broadcast = Topic(validated: "$broadcast")
}

/// A malformed topic name or pattern.
public struct TopicError: Error, CustomStringConvertible, Equatable {
    /// The name or pattern as given.
    public let text: String
    /// What is wrong with it.
    public let problem: String

    public var description: String {
        "topic \"\(text)\" \(problem); write dot-separated tokens such as agents.coder.out"
            + " (patterns may use * for one token and a final > for one or more)"
    }
}

/// The lexical rules shared by topic names and patterns.
enum TopicSyntax {
    static func validateName(_ name: String, allowWildcards: Bool) throws {
        guard !name.isEmpty else { throw TopicError(text: name, problem: "is empty") }
        let tokens = name.split(separator: ".", omittingEmptySubsequences: false)
        for (index, token) in tokens.enumerated() {
            guard !token.isEmpty else {
                throw TopicError(text: name, problem: "has an empty token at position \(index + 1)")
            }
            if token.contains(where: { $0.isWhitespace }) {
                throw TopicError(text: name, problem: "has whitespace in token '\(token)'")
            }
            if token == "*" || token == ">" {
                guard allowWildcards else {
                    throw TopicError(text: name, problem: "uses wildcard '\(token)' where a concrete topic is needed")
                }
                if token == ">" && index != tokens.count - 1 {
                    throw TopicError(text: name, problem: "has '>' before the last token")
                }
            } else if token.contains("*") || token.contains(">") {
                throw TopicError(text: name, problem: "mixes a wildcard into token '\(token)'; a wildcard is a whole token")
            }
        }
    }
}
