import ManifoldJSON
import Testing

/// `$id`, `$anchor` and `$schema`: resolved or refused, never ignored.
@Suite("JSON Schema: identifiers and drafts")
struct SchemaIdentifierTests {
    @Test func nestedIdChangesTheBaseOfPointers() throws {
        // Inside the nested resource, "#/$defs/x" is that resource's x (a string), not the root's (an integer).
        let schema = try JSONSchema([
            "$id": "https://example.com/root.json",
            "$defs": ["x": ["type": "integer"]],
            "properties": [
                "a": [
                    "$id": "nested.json", "$defs": ["x": ["type": "string"]],
                    "$ref": "#/$defs/x",
                ]
            ],
        ])
        #expect(schema.accepts(["a": "text"]))
        #expect(!schema.accepts(["a": 1]))
    }

    @Test func refsByAnchorAndByIdWithPointer() throws {
        let schema = try JSONSchema([
            "$defs": [
                "named": ["$anchor": "positive", "type": "integer", "minimum": 1],
                "other": ["$id": "urn:example:other", "$defs": ["s": ["type": "string"]]],
            ],
            "properties": [
                "n": ["$ref": "#positive"],
                "s": ["$ref": "urn:example:other#/$defs/s"],
            ],
        ])
        #expect(schema.accepts(["n": 2, "s": "x"]))
        #expect(try Support.violations(schema.source, ["n": 0, "s": 1]).lines == [
            "$.n: 0 is less than the minimum 1", "$.s: expected string, got integer 1",
        ])
    }

    @Test func remoteAndMissingReferencesAreRefused() {
        #expect(Support.schemaProblems(["$ref": "https://example.com/other.json"]).map(\.description) == [
            "$.$ref: $ref \"https://example.com/other.json\" refers to a schema outside this document; Manifold never fetches schemas: copy the schema under \"$defs\" and refer to it as \"#/$defs/NAME\" (or give it that \"$id\" inside this document)"
        ])
        #expect(Support.schemaProblems(["$ref": "#nowhere"]).map(\.description) == [
            "$.$ref: $ref \"#nowhere\" names the anchor 'nowhere', which no \"$anchor\" in this schema declares"
        ])
        #expect(Support.schemaProblems(["$anchor": "1bad"]).map(\.path) == ["$.$anchor"])
        #expect(Support.schemaProblems(["$id": "#old-style"]).first?.message.contains("\"$anchor\": \"old-style\"") == true)
        #expect(Support.schemaProblems(["$defs": ["a": ["$id": "urn:x"], "b": ["$id": "urn:x"]]]).first?.message.contains("declared more than once") == true)
    }

    @Test func idInsideAValueIdentifiesNothing() {
        let problems = Support.schemaProblems([
            "const": ["$id": "urn:fake", "type": "string"], "$ref": "urn:fake",
        ])
        #expect(problems.first?.message.contains("outside this document") == true)
    }

    @Test func otherDraftsAreRefused() throws {
        _ = try JSONSchema(["$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"])
        let problems = Support.schemaProblems(["$schema": "http://json-schema.org/draft-07/schema#", "type": "string"])
        #expect(problems.map(\.path) == ["$.$schema"])
        #expect(problems.first?.message.hasPrefix("$schema names draft-07 (http://json-schema.org/draft-07/schema#), which Manifold does not validate") == true)
        #expect(Support.schemaProblems(["$schema": "https://json-schema.org/draft/2019-09/schema"]).first?.message.contains("draft 2019-09") == true)
    }
}

@Suite("JSON Schema: depth and loops")
struct SchemaDepthTests {
    static func nested(_ levels: Int) -> JSONValue {
        var value: JSONValue = ["leaf": true]
        for _ in 0..<levels { value = ["child": value] }
        return value
    }

    @Test func deeplyNestedValidDataValidates() throws {
        let schema = try JSONSchema([
            "$defs": ["node": ["type": "object", "properties": ["child": ["$ref": "#/$defs/node"]], "additionalProperties": ["items": true]]],
            "$ref": "#/$defs/node",
        ])
        #expect(schema.validate(Self.nested(200)).isEmpty)
        let list = try JSONSchema(["$defs": ["l": ["type": "array", "items": ["$ref": "#/$defs/l"]]], "$ref": "#/$defs/l"])
        var value: JSONValue = []
        for _ in 0..<200 { value = [value] }
        #expect(list.validate(value).isEmpty)
    }

    @Test func tooDeepDataIsReported() throws {
        let schema = try JSONSchema(["$defs": ["n": ["properties": ["child": ["$ref": "#/$defs/n"]]]], "$ref": "#/$defs/n"])
        let found = schema.validate(Self.nested(300))
        #expect(found.count == 1)
        #expect(found.first?.message.contains("nested more than 256 levels deep") == true)
    }

    @Test func infiniteReferenceLoopIsCaught() throws {
        let schema = try JSONSchema(["$defs": ["a": ["$ref": "#/$defs/b"], "b": ["$ref": "#/$defs/a"]], "$ref": "#/$defs/a"])
        let found = schema.validate(1)
        #expect(found.map(\.keyword) == ["$ref"])
        #expect(found.first?.message.contains("loops forever") == true)
        #expect(try JSONSchema(["$ref": "#"]).validate("x").map(\.keyword) == ["$ref"])
    }

    @Test func emptyEnumMatchesNothing() throws {
        let schema = try JSONSchema(["enum": []])
        #expect(!schema.accepts(1))
        #expect(!schema.accepts(nil))
    }
}
