import ManifoldJSON
import Testing

@Suite("JSON Schema: combinators and references")
struct SchemaCombinatorTests {
    @Test func allOfReportsEachFailure() throws {
        let schema: JSONValue = ["allOf": [["type": "string"], ["minLength": 3]]]
        #expect(try Support.violations(schema, "abc").isEmpty)
        #expect(try Support.violations(schema, "a").lines == ["$: string is too short: 1 character, at least 3 needed"])
    }

    @Test func anyOfOfTypesMergesTheMessage() throws {
        let schema: JSONValue = ["anyOf": [["type": "string"], ["type": "integer"]]]
        #expect(try Support.violations(schema, 3).isEmpty)
        let found = try Support.violations(schema, true)
        #expect(found == [SchemaViolation(path: "$", keyword: "anyOf", message: "expected string or integer, got boolean true")])
    }

    @Test func anyOfThroughReferencesIsSummarised() throws {
        let schema: JSONValue = ["anyOf": [["type": "string"], ["$ref": "#/$defs/o"]], "$defs": ["o": ["type": "object"]]]
        #expect(try Support.violations(schema, 1).lines == [
            "$: does not match any of the alternatives (anyOf): [0] expected string, got integer 1; [1] expected object, got integer 1"
        ])
    }

    @Test func anyOfReportsTheOnlyAlternativeOfTheRightType() throws {
        let schema: JSONValue = [
            "anyOf": [["type": "string"], ["type": "object", "required": ["name"], "properties": ["name": ["type": "string"]]]],
        ]
        #expect(try Support.violations(schema, ["name": 3]).lines == ["$.name: expected string, got integer 3"])
    }

    @Test func anyOfSummarisesEachAlternativeBriefly() throws {
        let schema: JSONValue = ["anyOf": [["type": "integer", "minimum": 10], ["type": "number", "multipleOf": 5, "maximum": 1]]]
        let found = try Support.violations(schema, 7)
        #expect(found == [SchemaViolation(
            path: "$", keyword: "anyOf",
            message: "does not match any of the alternatives (anyOf): [0] 7 is less than the minimum 10; [1] 7 is greater than the maximum 1 (+1 more)")])
    }

    @Test func anyOfSummaryNamesNestedPaths() throws {
        let schema: JSONValue = [
            "anyOf": [
                ["type": "object", "properties": ["a": ["type": "string"]]],
                ["type": "object", "required": ["b"]],
            ],
        ]
        #expect(try Support.violations(schema, ["a": 1]).lines == [
            "$: does not match any of the alternatives (anyOf): [0] at $.a: expected string, got integer 1; [1] missing required property 'b'"
        ])
    }

    @Test func oneOfNeedsExactlyOne() throws {
        let schema: JSONValue = ["oneOf": [["type": "integer"], ["type": "number", "minimum": 0], ["type": "string"]]]
        #expect(try Support.violations(schema, -1).isEmpty)
        #expect(try Support.violations(schema, 1.5).isEmpty)
        #expect(try Support.violations(schema, 3).lines == ["$: matches alternatives [0] and [1], but oneOf allows exactly one"])
        #expect(try Support.violations(schema, nil).lines == ["$: expected integer, number or string, got null"])
        let none = try Support.violations(["oneOf": [["minimum": 5], ["maximum": 1]]], 3)
        #expect(none.lines == [
            "$: does not match one of the alternatives (oneOf): [0] 3 is less than the minimum 5; [1] 3 is greater than the maximum 1"
        ])
        #expect(none.first?.keyword == "oneOf")
    }

    @Test func notInvertsASchema() throws {
        let schema: JSONValue = ["not": ["type": "null"]]
        #expect(try Support.violations(schema, 1).isEmpty)
        let found = try Support.violations(schema, nil)
        #expect(found == [SchemaViolation(path: "$", keyword: "not", message: "null matches the schema under \"not\", which it must not")])
    }

    @Test func ifThenElse() throws {
        let schema: JSONValue = [
            "type": "object",
            "if": ["properties": ["action": ["const": "rewrite"]], "required": ["action"]],
            "then": ["required": ["replaceWith"]],
            "else": ["properties": ["replaceWith": false]],
        ]
        #expect(try Support.violations(schema, ["action": "rewrite", "replaceWith": "x"]).isEmpty)
        #expect(try Support.violations(schema, ["action": "rewrite"]).lines == ["$: missing required property 'replaceWith'"])
        #expect(try Support.violations(schema, ["action": "drop", "replaceWith": "x"]).lines == ["$.replaceWith: no value is allowed here"])
        #expect(try Support.violations(["then": ["type": "string"]], 1).isEmpty)
    }

    @Test func localReferences() throws {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["a": ["$ref": "#/$defs/positive"], "b": ["$ref": "#/definitions/name"], "c": ["$ref": "#/properties/a"]],
            "$defs": ["positive": ["type": "integer", "minimum": 1]],
            "definitions": ["name": ["type": "string", "minLength": 1]],
        ]
        #expect(try Support.violations(schema, ["a": 1, "b": "x", "c": 2]).isEmpty)
        #expect(try Support.violations(schema, ["a": 0, "b": "", "c": "x"]).lines == [
            "$.a: 0 is less than the minimum 1",
            "$.b: string is too short: 0 characters, at least 1 needed",
            "$.c: expected integer, got string \"x\"",
        ])
    }

    @Test func recursiveReferences() throws {
        let schema: JSONValue = [
            "$ref": "#/$defs/tree",
            "$defs": ["tree": [
                "type": "object", "required": ["value"],
                "properties": ["value": ["type": "integer"], "children": ["type": "array", "items": ["$ref": "#/$defs/tree"]]],
            ]],
        ]
        #expect(try Support.violations(schema, ["value": 1, "children": [["value": 2, "children": []]]]).isEmpty)
        #expect(try Support.violations(schema, ["value": 1, "children": [["value": "x"]]]).lines == [
            "$.children[0].value: expected integer, got string \"x\""
        ])
    }

    @Test func selfReferenceWithoutProgressIsStoppedNotLooped() throws {
        let found = try Support.violations(["$ref": "#"], 1)
        #expect(found.count == 1)
        #expect(found.first?.keyword == "$ref")
    }
}
