import ManifoldJSON
import Testing

/// `pattern` and `patternProperties` follow ECMA-262, not ICU.
@Suite("JSON Schema: ECMA-262 patterns")
struct SchemaPatternTests {
    func accepts(_ pattern: String, _ text: String) throws -> Bool {
        try JSONSchema(["pattern": .string(pattern)]).accepts(.string(text))
    }

    @Test func dollarIsTheEndOfTheString() throws {
        #expect(try accepts("^[a-z]+$", "abc"))
        #expect(try !accepts("^[a-z]+$", "abc\n"))
    }

    @Test func shorthandClassesAreASCII() throws {
        #expect(try accepts(#"^\d+$"#, "123"))
        #expect(try !accepts(#"^\d+$"#, "\u{663}"))  // ARABIC-INDIC DIGIT THREE
        #expect(try !accepts(#"^\w+$"#, "é"))
        #expect(try accepts(#"^\W$"#, "é"))
        #expect(try accepts(#"^\s$"#, "\u{A0}"))
        #expect(try accepts(#"^[\d-]+$"#, "1-2"))
        #expect(try !accepts(#"^[^\d]$"#, "5"))
    }

    @Test func wordBoundaryIsASCII() throws {
        #expect(try accepts(#"\bcat\b"#, "a cat here"))
        // "é" is no ECMA-262 word character, so there is no boundary before it.
        #expect(try !accepts(#"\bé"#, "é"))
    }

    @Test func dotExcludesLineTerminators() throws {
        #expect(try !accepts("^.$", "\n"))
        #expect(try !accepts("^.$", "\u{2028}"))
        #expect(try accepts("^.$", "😀"))
    }

    @Test func classesTakeBracketsLiterally() throws {
        #expect(try accepts("^[[a]+$", "[a["))
        #expect(try accepts("^[a&&b]+$", "&"))
        #expect(try !accepts("[]", "a"))
        #expect(try accepts("^[^]$", "\n"))
    }

    @Test func patternPropertiesUseTheSameRules() throws {
        let schema = try JSONSchema(["patternProperties": [#"^\d+$"#: ["type": "integer"]], "additionalProperties": false])
        #expect(schema.accepts(["12": 1]))
        #expect(!schema.accepts(["12\n": 1]))
        #expect(!schema.accepts(["\u{663}": 1]))
    }

    @Test func constructsECMA262LacksAreRefusedWithAdvice() {
        let cases: [(String, String)] = [
            (#"^a\Z"#, "'\\Z' is not ECMA-262; write '$' for the end of the string"),
            (#"\Aa"#, "'\\A' is not ECMA-262; write '^' for the start of the string"),
            (#"a\z"#, "'\\z' is not ECMA-262; write '$'"),
            ("a*+", "possessive quantifier"),
            ("(?>a)", "atomic group"),
            ("(?i)a", "inline flags"),
            ("(?#note)a", "comment group"),
            (#"\Qa\E"#, "quoting is not ECMA-262"),
            (#"\e"#, "'\\e' is not an ECMA-262 escape"),
            ("[a", "not closed"),
        ]
        for (pattern, expected) in cases {
            let problems = Support.schemaProblems(["properties": ["a": ["pattern": .string(pattern)]]])
            #expect(problems.count == 1, "\(pattern)")
            #expect(problems.first?.path == "$.properties.a.pattern")
            #expect(problems.first?.message.contains(expected) == true, "\(pattern): \(problems)")
        }
        let keyProblems = Support.schemaProblems(["patternProperties": [#"^x\Z"#: true]])
        #expect(keyProblems.map(\.path) == [#"$.patternProperties['^x\\Z']"#])
    }
}
