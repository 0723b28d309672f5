import ManifoldJSON
import Testing

@Suite("JSON Schema: objects")
struct SchemaObjectTests {
    let modelSchema: JSONValue = [
        "type": "object",
        "required": ["model"],
        "properties": ["model": ["type": "string"], "temperature": ["type": "number"]],
        "additionalProperties": false,
    ]

    @Test func missingRequiredProperty() throws {
        let found = try Support.violations(modelSchema, ["temperature": 0.2])
        #expect(found == [SchemaViolation(path: "$", keyword: "required", message: "missing required property 'model'")])
    }

    @Test func unknownPropertyListsAllowedAndSuggests() throws {
        let found = try Support.violations(modelSchema, ["model": "m", "temprature": 0.2])
        #expect(found == [SchemaViolation(
            path: "$.temprature", keyword: "additionalProperties",
            message: "unknown property 'temprature' (allowed: model, temperature); did you mean 'temperature'?")])
    }

    @Test func unknownPropertyWithoutSuggestionOrProperties() throws {
        #expect(try Support.violations(modelSchema, ["model": "m", "zzz": 1]).lines == ["$.zzz: unknown property 'zzz' (allowed: model, temperature)"])
        let closed: JSONValue = ["type": "object", "additionalProperties": false]
        #expect(try Support.violations(closed, ["a": 1]).lines == ["$.a: unknown property 'a' (no properties are allowed here)"])
    }

    @Test func additionalPropertiesAsSchema() throws {
        let schema: JSONValue = ["type": "object", "additionalProperties": ["type": "string"]]
        #expect(try Support.violations(schema, ["a": "x"]).isEmpty)
        #expect(try Support.violations(schema, ["a": "x", "b": 2]).lines == ["$.b: expected string, got integer 2"])
    }

    @Test func patternProperties() throws {
        let schema: JSONValue = [
            "type": "object", "properties": ["name": ["type": "string"]],
            "patternProperties": ["^x-": ["type": "integer"]], "additionalProperties": false,
        ]
        #expect(try Support.violations(schema, ["name": "n", "x-count": 2]).isEmpty)
        #expect(try Support.violations(schema, ["x-count": "two"]).lines == ["$.x-count: expected integer, got string \"two\""])
        #expect(try Support.violations(schema, ["other": 1]).lines == ["$.other: unknown property 'other' (allowed: name, or names matching /^x-/)"])
    }

    @Test func nestedPathsUseDotsAndBrackets() throws {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["nodes": ["type": "object", "additionalProperties": [
                "type": "object", "properties": ["config": ["type": "object", "properties": ["temperature": ["type": "number"]]]],
            ]]],
        ]
        let found = try Support.violations(schema, ["nodes": ["coder": ["config": ["temperature": "hot"]], "my node": ["config": ["temperature": "x"]]]])
        #expect(found.lines == [
            "$.nodes.coder.config.temperature: expected number, got string \"hot\"",
            "$.nodes['my node'].config.temperature: expected number, got string \"x\"",
        ])
    }

    @Test func propertyNamesMinMaxPropertiesAndDependentRequired() throws {
        let schema: JSONValue = [
            "type": "object", "propertyNames": ["pattern": "^[a-z]+$"], "minProperties": 1, "maxProperties": 2,
            "dependentRequired": ["user": ["password"]],
        ]
        #expect(try Support.violations(schema, ["a": 1]).isEmpty)
        #expect(try Support.violations(schema, [:]).lines == ["$: object has 0 properties, needs at least 1"])
        #expect(try Support.violations(schema, ["a": 1, "b": 2, "c": 3]).lines == ["$: object has 3 properties, at most 2 allowed"])
        #expect(try Support.violations(schema, ["Bad": 1]).lines == [
            "$.Bad: property name 'Bad' is not allowed: string \"Bad\" does not match the pattern ^[a-z]+$"
        ])
        #expect(try Support.violations(schema, ["user": "u"]).lines == ["$: property 'password' is required when 'user' is present"])
    }

    @Test func allErrorsOfAnObjectAreReported() throws {
        let found = try Support.violations(modelSchema, ["temperature": "hot", "extra": 1])
        #expect(found.map(\.keyword) == ["required", "additionalProperties", "type"])
    }
}
