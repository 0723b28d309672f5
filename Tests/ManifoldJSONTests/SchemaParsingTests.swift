import ManifoldJSON
import Testing

@Suite("JSON Schema: invalid schemas")
struct SchemaParsingTests {
    @Test func unknownTypeWithSuggestion() {
        let problems = Support.schemaProblems(["type": "object", "properties": ["a": ["type": "strng"]]])
        #expect(problems.map(\.description) == [
            "$.properties.a.type: unknown type \"strng\"; did you mean \"string\"? (types: null, boolean, object, array, number, string, integer)"
        ])
    }

    @Test func unknownKeywordWithSuggestion() {
        let problems = Support.schemaProblems(["type": "object", "propertes": [:], "additionalProperty": false])
        #expect(problems.map(\.description) == [
            "$.additionalProperty: unknown keyword 'additionalProperty'; did you mean 'additionalProperties'?",
            "$.propertes: unknown keyword 'propertes'; did you mean 'properties'?",
        ])
    }

    @Test func unknownKeywordsCanBeAllowed() throws {
        _ = try JSONSchema(["type": "string", "ui:widget": "text"], allowUnknownKeywords: true)
        #expect(Support.schemaProblems(["type": "string", "ui:widget": "text"]).count == 1)
        #expect(Support.schemaProblems(["type": "string", "x-widget": "text"]).isEmpty)
    }

    @Test func unsupportedKeywordsAreRefused() {
        let problems = Support.schemaProblems(["unevaluatedProperties": false])
        #expect(problems.map(\.description) == [
            "$.unevaluatedProperties: keyword 'unevaluatedProperties' is not supported by Manifold's validator; use additionalProperties (with the properties listed in the same schema)"
        ])
    }

    @Test func wrongKeywordValues() {
        let problems = Support.schemaProblems([
            "required": "name", "minLength": -1, "minimum": "1", "pattern": "(", "enum": 3, "multipleOf": 0,
            "exclusiveMinimum": true, "items": 3, "allOf": [], "uniqueItems": "yes",
        ])
        #expect(problems.map(\.description).sorted() == [
            "$.allOf: allOf must be a non-empty array of schemas, got array of 0 items",
            "$.enum: enum must be an array of the allowed values, got integer 3",
            "$.exclusiveMinimum: exclusiveMinimum is a number since draft 6, not a boolean; write \"exclusiveMinimum\": LIMIT instead of \"minimum\" with true",
            "$.items: a schema must be an object or a boolean, got integer 3",
            "$.minLength: minLength must be a non-negative integer, got integer -1",
            "$.minimum: minimum must be a number, got string \"1\"",
            "$.multipleOf: multipleOf must be greater than 0, got 0",
            "$.pattern: the pattern \"(\" is not a valid regular expression, or uses what the regular expression engine cannot do (such as a lookbehind of unbounded length); check its brackets, parentheses and escapes",
            "$.required: required must be an array of property names, got string \"name\"",
            "$.uniqueItems: uniqueItems must be true or false, got string \"yes\"",
        ])
    }

    @Test func danglingAndRemoteReferences() {
        let problems = Support.schemaProblems([
            "properties": ["a": ["$ref": "#/$defs/missing"], "b": ["$ref": "other.json#/x"]],
            "$defs": ["present": true],
        ])
        #expect(problems.map(\.description) == [
            "$.properties.b.$ref: $ref \"other.json#/x\" refers to a schema outside this document; Manifold never fetches schemas: copy the schema under \"$defs\" and refer to it as \"#/$defs/NAME\" (or give it that \"$id\" inside this document)",
            "$.properties.a.$ref: $ref \"#/$defs/missing\" points to nothing in this schema; defined: #/$defs/present",
        ])
    }

    @Test func schemaMustBeObjectOrBoolean() {
        #expect(Support.schemaProblems("string").map(\.description) == ["$: a schema must be an object or a boolean, got string \"string\""])
    }

    @Test func errorDescriptionHasOneLinePerProblem() {
        do {
            _ = try JSONSchema(["type": "strng", "minimum": "x"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.split(separator: "\n").count == 2)
            #expect(error.description.hasPrefix("invalid JSON Schema: $.type: unknown type \"strng\""))
        }
    }

    @Test func errorsInUnusedDefinitionsAreFound() {
        #expect(Support.schemaProblems(["$defs": ["a": ["type": "nope"]]]).map(\.path) == ["$.$defs.a.type"])
    }
}

@Suite("JSON paths and suggestions")
struct JSONPathAndSuggestionTests {
    @Test func pathNotation() {
        #expect(JSONPath.appending("coder", to: "$.nodes") == "$.nodes.coder")
        #expect(JSONPath.appending(index: 0, to: "$.inputs") == "$.inputs[0]")
        #expect(JSONPath.appending("my node", to: "$") == "$['my node']")
        #expect(JSONPath.appending("it's", to: "$") == "$['it\\'s']")
        #expect(JSONPath.appending("a.b", to: "$") == "$['a.b']")
        #expect(JSONPath.rebase("$.a[1]", under: "$.config") == "$.config.a[1]")
        #expect(JSONPath.rebase("$", under: "$.config") == "$.config")
    }

    @Test func suggestions() {
        #expect(NameSuggestion.closest(to: "ouputs", among: ["inputs", "outputs"]) == "outputs")
        #expect(NameSuggestion.closest(to: "temprature", among: ["model", "temperature"]) == "temperature")
        #expect(NameSuggestion.closest(to: "generater", among: ["generator", "middleware"]) == "generator")
        #expect(NameSuggestion.closest(to: "config_schema", among: ["configSchema"]) == "configSchema")
        #expect(NameSuggestion.closest(to: "Name", among: ["name"]) == "name")
        #expect(NameSuggestion.closest(to: "xyz", among: ["name", "kind"]) == nil)
        #expect(NameSuggestion.editDistance("ab", "ba") == 1)
        #expect(NameSuggestion.editDistance("", "abc") == 3)
        #expect(NameSuggestion.editDistance("kitten", "sitting") == 3)
    }
}
