import ManifoldJSON
import Testing

@Suite("JSON Schema: arrays")
struct SchemaArrayTests {
    @Test func itemsAppliesToEveryElement() throws {
        let schema: JSONValue = ["type": "array", "items": ["type": "string"]]
        #expect(try Support.violations(schema, ["a", "b"]).isEmpty)
        #expect(try Support.violations(schema, ["a", 2, true]).lines == [
            "$[1]: expected string, got integer 2", "$[2]: expected string, got boolean true",
        ])
    }

    @Test func prefixItemsThenItems() throws {
        let schema: JSONValue = ["type": "array", "prefixItems": [["type": "string"], ["type": "integer"]], "items": ["type": "boolean"]]
        #expect(try Support.violations(schema, ["a", 1, true, false]).isEmpty)
        #expect(try Support.violations(schema, [1, "a", "b"]).lines == [
            "$[0]: expected string, got integer 1", "$[1]: expected integer, got string \"a\"", "$[2]: expected boolean, got string \"b\"",
        ])
    }

    @Test func prefixItemsWithItemsFalseLimitsLength() throws {
        let schema: JSONValue = ["prefixItems": [["type": "string"]], "items": false]
        #expect(try Support.violations(schema, ["a"]).isEmpty)
        #expect(try Support.violations(schema, ["a", "b", "c"]).lines == ["$: array has 3 items, at most 1 allowed"])
    }

    @Test func oldTupleFormOfItems() throws {
        let schema: JSONValue = ["items": [["type": "string"]], "additionalItems": ["type": "integer"]]
        #expect(try Support.violations(schema, ["a", 1, 2]).isEmpty)
        #expect(try Support.violations(schema, [1, "x"]).lines == ["$[0]: expected string, got integer 1", "$[1]: expected integer, got string \"x\""])
    }

    @Test func minAndMaxItems() throws {
        let schema: JSONValue = ["minItems": 2, "maxItems": 3]
        #expect(try Support.violations(schema, [1, 2]).isEmpty)
        #expect(try Support.violations(schema, [1]).lines == ["$: array has 1 item, needs at least 2"])
        #expect(try Support.violations(schema, [1, 2, 3, 4]).lines == ["$: array has 4 items, at most 3 allowed"])
        #expect(try Support.violations(schema, [1]).first?.keyword == "minItems")
    }

    @Test func uniqueItemsNamesTheEqualPair() throws {
        let schema: JSONValue = ["uniqueItems": true]
        #expect(try Support.violations(schema, [1, 2, "1"]).isEmpty)
        #expect(try Support.violations(schema, [1, "a", 1.0]).lines == ["$: items [0] and [2] are equal; the items must be unique"])
        #expect(try Support.violations(["uniqueItems": false], [1, 1]).isEmpty)
    }

    @Test func containsWithMinAndMax() throws {
        let schema: JSONValue = ["contains": ["type": "string"]]
        #expect(try Support.violations(schema, [1, "a"]).isEmpty)
        #expect(try Support.violations(schema, [1, 2]).lines == ["$: no item matches the schema under \"contains\""])
        let bounded: JSONValue = ["contains": ["type": "string"], "minContains": 2, "maxContains": 2]
        #expect(try Support.violations(bounded, ["a", 1]).lines == ["$: 1 item matches the schema under \"contains\", at least 2 needed"])
        #expect(try Support.violations(bounded, ["a", "b", "c"]).lines == ["$: 3 items match the schema under \"contains\", at most 2 allowed"])
    }

    @Test func keywordsForOtherTypesAreIgnored() throws {
        let schema: JSONValue = ["minItems": 5, "minLength": 5, "minimum": 5, "required": ["a"]]
        #expect(try Support.violations(schema, true).isEmpty)
        #expect(try Support.violations(schema, "abcdef").isEmpty)
    }
}

@Suite("JSON Schema: numbers and strings")
struct SchemaNumberStringTests {
    @Test func minimumAndMaximum() throws {
        let schema: JSONValue = ["minimum": 1, "maximum": 10]
        #expect(try Support.violations(schema, 1).isEmpty)
        #expect(try Support.violations(schema, 10.0).isEmpty)
        #expect(try Support.violations(schema, 0).lines == ["$: 0 is less than the minimum 1"])
        #expect(try Support.violations(schema, 10.5).lines == ["$: 10.5 is greater than the maximum 10"])
    }

    @Test func exclusiveBounds() throws {
        let schema: JSONValue = ["exclusiveMinimum": 0, "exclusiveMaximum": 1]
        #expect(try Support.violations(schema, 0.5).isEmpty)
        #expect(try Support.violations(schema, 0).lines == ["$: 0 must be greater than 0 (exclusive minimum)"])
        #expect(try Support.violations(schema, 1).lines == ["$: 1 must be less than 1 (exclusive maximum)"])
        #expect(try Support.violations(schema, 1).first?.keyword == "exclusiveMaximum")
    }

    @Test func largeIntegersCompareExactly() throws {
        let schema: JSONValue = ["maximum": .integer(9_007_199_254_740_992)]
        #expect(try Support.violations(schema, .integer(9_007_199_254_740_993)).count == 1)
    }

    @Test func multipleOf() throws {
        #expect(try Support.violations(["multipleOf": 2], 4).isEmpty)
        #expect(try Support.violations(["multipleOf": 2], 7).lines == ["$: 7 is not a multiple of 2"])
        #expect(try Support.violations(["multipleOf": 0.1], 0.3).isEmpty)
        #expect(try Support.violations(["multipleOf": 0.25], 0.3).lines == ["$: 0.3 is not a multiple of 0.25"])
    }

    @Test func lengthsCountUnicodeScalars() throws {
        let schema: JSONValue = ["minLength": 2, "maxLength": 3]
        #expect(try Support.violations(schema, "é🙂").isEmpty)
        #expect(try Support.violations(schema, "🙂").lines == ["$: string is too short: 1 character, at least 2 needed"])
        #expect(try Support.violations(schema, "abcd").lines == ["$: string is too long: 4 characters, at most 3 allowed"])
        // "e" + combining acute accent: one Character, two Unicode scalars.
        #expect(try Support.violations(["maxLength": 1], "e\u{301}").count == 1)
    }

    @Test func patternSearchesUnlessAnchored() throws {
        #expect(try Support.violations(["pattern": "b"], "abc").isEmpty)
        #expect(try Support.violations(["pattern": "^text/[a-z]+$"], "text/plain").isEmpty)
        let found = try Support.violations(["pattern": "^text/[a-z]+$"], "image/png")
        #expect(found == [SchemaViolation(path: "$", keyword: "pattern", message: "string \"image/png\" does not match the pattern ^text/[a-z]+$")])
    }
}
