import Foundation
import Manifold
import Testing

@Suite("ArtifactType")
struct ArtifactTypeTests {
    @Test("parsing lowercases type, subtype and parameter names, keeps values, sorts parameters")
    func canonicalForm() throws {
        let parsed = try ArtifactType(parsing: "  Text/Plain ; Format=Flowed;\tCHARSET=UTF-8  ")
        #expect(parsed.type == "text")
        #expect(parsed.subtype == "plain")
        #expect(parsed.parameters == ["charset": "UTF-8", "format": "Flowed"])
        #expect(parsed.description == "text/plain;charset=UTF-8;format=Flowed")
        #expect(parsed == (try ArtifactType(parsing: "text/plain;charset=UTF-8;format=Flowed")))
        #expect(parsed.withoutParameters == .plainText)
        #expect(try ArtifactType(parsing: parsed.description) == parsed)
    }

    @Test("quoted parameter values are unquoted, unescaped, and re-quoted in the canonical form")
    func quotedValues() throws {
        let parsed = try ArtifactType(parsing: #"text/plain;title="a b;c";q="say \"hi\" \\o/";token="abc""#)
        #expect(parsed.parameters["title"] == "a b;c")
        #expect(parsed.parameters["q"] == #"say "hi" \o/"#)
        #expect(parsed.parameters["token"] == "abc")
        #expect(parsed.description == #"text/plain;q="say \"hi\" \\o/";title="a b;c";token=abc"#)
        #expect(try ArtifactType(parsing: parsed.description) == parsed)
        #expect(try ArtifactType(parsing: #"text/plain;e="""#).description == #"text/plain;e="""#)
    }

    @Test("a quote or backslash followed by a combining mark is escaped too, so the canonical form parses back to the same value")
    func escapesBeforeCombiningMarks() throws {
        // Each value holds a `"` or `\` that forms one Character with the combining mark after
        // it (found by the artifact-type fuzz target: the canonical form did not parse back, or
        // lost a backslash).
        let cases: [(text: String, value: String, canonical: String)] = [
            (#"text/plain;p="\"\#u{301}""#, "\"\u{301}", #"text/plain;p="\"\#u{301}""#),
            (#"text/plain;p="a\\\#u{73C}b""#, "a\\\u{73C}b", #"text/plain;p="a\\\#u{73C}b""#),
            (#"x/y;p="\\\\\"\#u{20DD}""#, "\\\\\"\u{20DD}", #"x/y;p="\\\\\"\#u{20DD}""#),
        ]
        for (text, value, canonical) in cases {
            let parsed = try ArtifactType(parsing: text)
            #expect(Array(parsed.parameters["p"]?.unicodeScalars ?? "".unicodeScalars) == Array(value.unicodeScalars), "\(text)")
            #expect(Array(parsed.description.unicodeScalars) == Array(canonical.unicodeScalars), "\(text)")
            let again = try ArtifactType(parsing: parsed.description)
            #expect(Array(again.parameters["p"]?.unicodeScalars ?? "".unicodeScalars) == Array(value.unicodeScalars), "\(text)")
        }
    }

    @Test("the constants are the types their names say")
    func constants() {
        let expected: [(ArtifactType, String)] = [
            (.any, "*/*"), (.plainText, "text/plain"), (.json, "application/json"),
            (.octetStream, "application/octet-stream"), (.chatMessage, "chat/message"), (.chatDelta, "chat/delta"),
            (.toolCall, "tool/call"), (.toolResult, "tool/result"), (.error, "manifold/error"),
        ]
        for (constant, text) in expected {
            #expect(constant == parseType(text))
            #expect(constant.description == text)
        }
    }

    @Test("wildcards: */* accepts everything, text/* every text type, a concrete type no wildcard")
    func wildcards() {
        #expect(parseType("*/*") == .any)
        #expect(ArtifactType.any.isWildcard)
        #expect(parseType("text/*").isWildcard)
        #expect(!ArtifactType.plainText.isWildcard)
        for candidate in ["text/plain", "application/json", "chat/delta", "text/*", "x/y;a=b"] {
            #expect(ArtifactType.any.accepts(parseType(candidate)), "*/* should accept \(candidate)")
        }
        #expect(parseType("text/*").accepts(parseType("text/markdown")))
        #expect(parseType("text/*").accepts(parseType("text/plain;charset=utf-8")))
        #expect(!parseType("text/*").accepts(.json))
        #expect(!ArtifactType.plainText.accepts(parseType("text/*")))
        #expect(!parseType("text/*").accepts(.any))
    }

    @Test("+json suffix: application/json accepts application/vnd.x+json, not the reverse")
    func structuredSuffix() {
        let vendor = parseType("application/vnd.x+json")
        #expect(vendor.suffix == "json")
        #expect(ArtifactType.json.suffix == nil)
        #expect(parseType("application/vnd.x+").suffix == nil)
        #expect(ArtifactType.json.accepts(vendor))
        #expect(!vendor.accepts(.json))
        #expect(!ArtifactType.json.accepts(parseType("text/vnd.x+json")), "the top-level type must still match")
        #expect(!ArtifactType.json.accepts(parseType("application/vnd.x+xml")))
        #expect(!parseType("application/vnd.x+json").accepts(parseType("application/vnd.y+json")))
    }

    @Test("parameters: every parameter the acceptor names must be present with the same value")
    func parameterMatching() {
        let utf8 = parseType("text/plain;charset=utf-8")
        #expect(ArtifactType.plainText.accepts(utf8))
        #expect(utf8.accepts(utf8))
        #expect(utf8.accepts(parseType("text/plain;format=flowed;charset=utf-8")))
        #expect(!utf8.accepts(.plainText))
        #expect(!utf8.accepts(parseType("text/plain;charset=ascii")))
        #expect(ArtifactType.json.accepts(parseType("application/vnd.x+json;version=2")))
    }

    @Test("overlaps is symmetric and true when one side accepts the other")
    func overlaps() {
        let pairs: [(String, String, Bool)] = [
            ("text/*", "text/plain", true),
            ("*/*", "chat/message", true),
            ("text/plain", "text/markdown", false),
            ("application/json", "application/vnd.x+json", true),
            ("text/plain;charset=utf-8", "text/plain", true),
            ("text/plain;charset=utf-8", "text/plain;charset=ascii", false),
            ("text/*", "application/*", false),
            ("text/*", "*/*", true),
        ]
        for (left, right, expected) in pairs {
            #expect(parseType(left).overlaps(parseType(right)) == expected, "\(left) overlaps \(right)")
            #expect(parseType(right).overlaps(parseType(left)) == expected, "\(right) overlaps \(left)")
        }
    }

    @Test(
        "overlaps is true when an artifact can carry both sides' different parameters"
    )
    func overlapsWithDisjointParameters() {
        // `text/plain;charset=utf-8;format=flowed` is accepted by both, so some artifact can be both.
        let left = parseType("text/plain;charset=utf-8")
        let right = parseType("text/plain;format=flowed")
        let both = parseType("text/plain;charset=utf-8;format=flowed")
        #expect(left.accepts(both) && right.accepts(both))
        #expect(left.overlaps(right))
        // Same with a structured suffix: `application/vnd.x+json;v=1` is accepted by both.
        #expect(parseType("application/json;v=1").overlaps(parseType("application/vnd.x+json")))
        #expect(ArtifactTypeSet([left]).intersects([right]))
    }

    @Test("types sort by canonical text and encode as it")
    func comparableAndCodable() throws {
        let sorted = [parseType("text/plain"), .json, parseType("chat/message")].sorted()
        #expect(sorted.map(\.description) == ["application/json", "chat/message", "text/plain"])
        let data = try JSONEncoder().encode(parseType("Text/Plain; Charset=utf-8"))
        #expect(try JSONDecoder().decode(String.self, from: data) == "text/plain;charset=utf-8")
        #expect(try JSONDecoder().decode(ArtifactType.self, from: data) == parseType("text/plain;charset=utf-8"))
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ArtifactType.self, from: Data(#""text""#.utf8))
        }
        #expect(error?.debugDescriptionText.contains(#"artifact type "text" has no '/' after 'text'"#) == true)
    }

    @Test(
        "plain lowercase type/subtype (read from bytes) equals the same type through the general grammar",
        arguments: ["text/plain", "application/vnd.acme.v2+json", "chat/delta", "x-1/y_2.z~!#$%&'^`|"])
    func simpleFormAgreesWithTheGrammar(_ text: String) throws {
        let simple = try ArtifactType(parsing: text)
        // Capitals and surrounding spaces take the general parser, which lowercases and trims.
        let general = try ArtifactType(parsing: "  " + text.uppercased() + " ")
        #expect(simple == general)
        #expect(simple.description == text)
        #expect(simple.parameters.isEmpty)
        let slash = try #require(text.firstIndex(of: "/"))
        #expect(simple.type == String(text[..<slash]))
        #expect(simple.subtype == String(text[text.index(after: slash)...]))
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        let text: String
        let problem: String
        let column: Int
        var testDescription: String { "\"\(text)\"" }
    }

    static let malformed: [Malformed] = [
        .init(text: "", problem: "is empty", column: 1),
        .init(text: "   ", problem: "is empty", column: 4),
        .init(text: "text", problem: "has no '/' after 'text'", column: 5),
        .init(text: "text/", problem: "is missing a subtype", column: 6),
        .init(text: "/plain", problem: "is missing a type", column: 1),
        .init(text: "*/plain", problem: "has a wildcard type with a concrete subtype ('*/plain')", column: 8),
        .init(text: "text/plain;", problem: "is missing a parameter name", column: 12),
        .init(text: "text/plain;charset", problem: "has parameter 'charset' without '='", column: 19),
        .init(text: "text/plain;charset=", problem: "ends where a parameter value should be", column: 20),
        .init(text: "text/plain;a=;b=1", problem: "has an empty parameter value", column: 14),
        .init(text: "text/pla in", problem: "has an unexpected character", column: 10),
        .init(text: "text/*;a=b", problem: "puts parameters on a wildcard", column: 11),
        .init(text: "*/*;q=1", problem: "puts parameters on a wildcard", column: 8),
        .init(text: #"text/plain;a="open"#, problem: "has an unterminated quoted string", column: 19),
        .init(text: #"text/plain;a="x\"#, problem: "has an unterminated quoted string", column: 17),
        .init(text: "text/plain;a=1;A=2", problem: "repeats parameter 'a'", column: 19),
        .init(text: "tëxt/plain", problem: "has no '/' after 't'", column: 2),
        .init(text: "text/plaín", problem: "has an unexpected character", column: 9),
        .init(text: "text/plain;ä=1", problem: "is missing a parameter name", column: 12),
        .init(text: "text/plain;a=é", problem: "has an empty parameter value", column: 14),
        .init(text: "text/plain/x", problem: "has an unexpected character", column: 11),
        .init(text: "text/**", problem: "has an unexpected character", column: 7),
        .init(text: "te*xt/plain", problem: "has no '/' after 'te'", column: 3),
    ]

    @Test("malformed strings give an ArtifactTypeError naming the text, problem, column and a fix", arguments: malformed)
    func malformedStrings(_ bad: Malformed) {
        let error = #expect(throws: ArtifactTypeError.self) { try ArtifactType(parsing: bad.text) }
        #expect(error?.text == bad.text)
        #expect(error?.problem == bad.problem)
        #expect(error?.column == bad.column)
        #expect(error?.expected.isEmpty == false)
        expectDescription(error, contains: "artifact type \"\(bad.text)\" \(bad.problem) (column \(bad.column)); expected ")
    }
}
