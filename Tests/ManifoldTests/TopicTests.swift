import Foundation
import Manifold
import Testing

@Suite("Topic names and patterns")
struct TopicTests {
    @Test("valid names are kept as written", arguments: ["a", "agents.coder.out", "a-b_c.D1", "$dead-letter", "$errors.node", "ü.日本"])
    func validNames(_ name: String) throws {
        let topic = try Topic(name)
        #expect(topic.name == name)
        #expect(topic.description == name)
        #expect(topic.isSystem == name.hasPrefix("$"))
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let text: String
        let problem: String
        var testDescription: String { "\"\(text)\"" }
    }

    static let badNames: [Bad] = [
        .init(text: "", problem: "is empty"),
        .init(text: "a..b", problem: "has an empty token at position 2"),
        .init(text: ".a", problem: "has an empty token at position 1"),
        .init(text: "a.", problem: "has an empty token at position 2"),
        .init(text: "a.*", problem: "uses wildcard '*' where a concrete topic is needed"),
        .init(text: ">", problem: "uses wildcard '>' where a concrete topic is needed"),
        .init(text: "a.>.b", problem: "uses wildcard '>' where a concrete topic is needed"),
        .init(text: "a*", problem: "mixes a wildcard into token 'a*'; a wildcard is a whole token"),
        .init(text: "a.b>", problem: "mixes a wildcard into token 'b>'"),
        .init(text: "a b", problem: "has whitespace in token 'a b'"),
        .init(text: " ", problem: "has whitespace in token ' '"),
        .init(text: "a.\tb", problem: "has whitespace in token '\tb'"),
        .init(text: "a.b\n", problem: "has whitespace in token 'b\n'"),
    ]

    @Test("invalid names throw a TopicError saying what is wrong and how to write one", arguments: badNames)
    func invalidNames(_ bad: Bad) {
        let error = #expect(throws: TopicError.self) { try Topic(bad.text) }
        #expect(error?.text == bad.text)
        expectDescription(error, contains: "topic \"\(bad.text)\" \(bad.problem)", "write dot-separated tokens such as agents.coder.out")
    }

    static let badPatterns: [Bad] = [
        .init(text: "", problem: "is empty"),
        .init(text: "a..b", problem: "has an empty token at position 2"),
        .init(text: "a.>.b", problem: "has '>' before the last token"),
        .init(text: ">.a", problem: "has '>' before the last token"),
        .init(text: "a*", problem: "mixes a wildcard into token 'a*'"),
        .init(text: "a.*b.c", problem: "mixes a wildcard into token '*b'"),
        .init(text: "a. b", problem: "has whitespace in token ' b'"),
    ]

    @Test("invalid patterns throw a TopicError", arguments: badPatterns)
    func invalidPatterns(_ bad: Bad) {
        let error = #expect(throws: TopicError.self) { try TopicPattern(bad.text) }
        expectDescription(error, contains: "topic \"\(bad.text)\" \(bad.problem)", "patterns may use * for one token")
    }

    @Test("valid patterns and whether they have wildcards")
    func validPatterns() throws {
        let cases: [(String, Bool)] = [("*", true), (">", true), ("a.*.c", true), ("a.>", true), ("a.b", false), ("$errors", false)]
        for (text, wild) in cases {
            let parsed = try TopicPattern(text)
            #expect(parsed.text == text)
            #expect(parsed.hasWildcards == wild, "\(text)")
        }
        #expect(TopicPattern(exactly: parseTopic("a.b")) == (try TopicPattern("a.b")))
    }

    @Test("* matches exactly one token")
    func singleWildcard() {
        let outs = parsePattern("agents.*.out")
        #expect(outs.matches(parseTopic("agents.coder.out")))
        #expect(outs.matches(parseTopic("agents.tester.out")))
        #expect(!outs.matches(parseTopic("agents.out")))
        #expect(!outs.matches(parseTopic("agents.a.b.out")))
        #expect(!outs.matches(parseTopic("agents.coder.in")))
        #expect(parsePattern("*").matches(parseTopic("a")))
        #expect(!parsePattern("*").matches(parseTopic("a.b")))
    }

    @Test("> matches one or more trailing tokens: agents.> matches agents.a and agents.a.b, not agents")
    func tailWildcard() {
        let agents = parsePattern("agents.>")
        #expect(agents.matches(parseTopic("agents.a")))
        #expect(agents.matches(parseTopic("agents.a.b")))
        #expect(!agents.matches(parseTopic("agents")))
        #expect(!agents.matches(parseTopic("agent.a")))
        #expect(parsePattern(">").matches(parseTopic("x.y.z")))
        #expect(parsePattern("a.*.>").matches(parseTopic("a.b.c")))
        #expect(!parsePattern("a.*.>").matches(parseTopic("a.b")))
    }

    @Test("exact patterns match only their own topic")
    func exactMatch() {
        #expect(parsePattern("a.b").matches(parseTopic("a.b")))
        #expect(!parsePattern("a.b").matches(parseTopic("a.b.c")))
        #expect(!parsePattern("a.b").matches(parseTopic("a")))
    }

    @Test("system $ topics are not matched by wildcards, only by their own first token")
    func systemTopics() {
        for system in ["$dead-letter", "$errors", "$broadcast", "$direct"] {
            let topic = parseTopic(system)
            #expect(topic.isSystem)
            #expect(!parsePattern(">").matches(topic), "> must not match \(system)")
            #expect(!parsePattern("*").matches(topic), "* must not match \(system)")
            #expect(parsePattern(system).matches(topic))
        }
        #expect(!parsePattern("*.node").matches(parseTopic("$errors.node")))
        #expect(parsePattern("$errors.>").matches(parseTopic("$errors.node")))
        #expect(parsePattern("$errors.*").matches(parseTopic("$errors.node")))
        #expect(Topic.deadLetter.name == "$dead-letter" && Topic.errors.name == "$errors")
        #expect(!parseTopic("a.$b").isSystem)
    }

    @Test("system topics are delivered by exact subscription only, never through a wildcard")
    func systemTopicsOnAHub() async throws {
        let hub = Hub()
        let everything = try hub.subscribe(">", name: "everything")
        let errors = try hub.subscribe("$errors", name: "errors")
        try await hub.publish(.text("oops"), to: .errors)
        try await hub.publish(.text("normal"), to: parseTopic("a.b"))
        everything.close()
        errors.close()
        var everythingInbox = Inbox(everything)
        var errorsInbox = Inbox(errors)
        #expect(try await everythingInbox.drain().map(\.text) == ["normal"])
        #expect(try await errorsInbox.drain().map(\.text) == ["oops"])
    }

    @Test("overlaps: whether some topic could match both patterns (symmetric)")
    func overlaps() {
        let cases: [(String, String, Bool)] = [
            ("agents.*.out", "agents.coder.>", true),
            ("agents.*.out", "agents.coder.out", true),
            ("agents.>", "agents", false),
            ("agents.>", "agents.x.y", true),
            ("a.*", "a.b.c", false),
            ("a.b.>", "a.*", false),
            ("a.b", "a.c", false),
            ("a.b", "a.b", true),
            (">", "x", true),
            ("*.b", "a.*", true),
            ("*", "a.b", false),
        ]
        for (left, right, expected) in cases {
            #expect(parsePattern(left).overlaps(parsePattern(right)) == expected, "\(left) overlaps \(right)")
            #expect(parsePattern(right).overlaps(parsePattern(left)) == expected, "\(right) overlaps \(left)")
        }
    }

    @Test(
        "overlaps honours the system-topic rule: a wildcard never overlaps a $ pattern"
    )
    func overlapsSystemTopics() {
        // No topic matches both: `>` and `*` never match `$errors`.
        #expect(!parsePattern(">").matches(parseTopic("$errors")))
        #expect(!parsePattern(">").overlaps(parsePattern("$errors")))
        #expect(!parsePattern("*").overlaps(parsePattern("$errors")))
        #expect(!parsePattern("*.node").overlaps(parsePattern("$errors.*")))
    }

    @Test("Codable: names and patterns encode as strings and refuse bad ones on decoding")
    func codable() throws {
        let topic = parseTopic("agents.coder.out")
        #expect(try JSONDecoder().decode(Topic.self, from: JSONEncoder().encode(topic)) == topic)
        let pattern = parsePattern("agents.*.out")
        #expect(try JSONDecoder().decode(TopicPattern.self, from: JSONEncoder().encode(pattern)) == pattern)
        let topicError = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Topic.self, from: Data(#""a.*""#.utf8))
        }
        #expect(topicError?.debugDescriptionText.contains("uses wildcard '*'") == true)
        let patternError = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TopicPattern.self, from: Data(#""a.>.b""#.utf8))
        }
        #expect(patternError?.debugDescriptionText.contains("has '>' before the last token") == true)
    }

    @Test("topics sort by name")
    func ordering() {
        #expect([parseTopic("b"), parseTopic("a.c"), parseTopic("a")].sorted().map(\.name) == ["a", "a.c", "b"])
    }
}
