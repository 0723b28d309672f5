import ManifoldJSON
import Testing

@Suite("JSON Schema: type, enum, const")
struct SchemaTypeTests {
    @Test func typeMismatchNamesExpectedAndActual() throws {
        let schema: JSONValue = ["type": "object", "properties": ["temperature": ["type": "number"]]]
        let found = try Support.violations(schema, ["temperature": "hot"])
        #expect(found == [SchemaViolation(path: "$.temperature", keyword: "type", message: "expected number, got string \"hot\"")])
    }

    @Test func integerAcceptsWholeNumbersOnly() throws {
        let schema: JSONValue = ["type": "integer"]
        #expect(try Support.violations(schema, 3).isEmpty)
        #expect(try Support.violations(schema, 3.0).isEmpty)
        #expect(try Support.violations(schema, 2.5).lines == ["$: expected integer, got number 2.5"])
        #expect(try Support.violations(schema, "3").lines == ["$: expected integer, got string \"3\""])
    }

    @Test func numberAcceptsIntegers() throws {
        #expect(try Support.violations(["type": "number"], 3).isEmpty)
        #expect(try Support.violations(["type": "number"], 0.5).isEmpty)
        #expect(try Support.violations(["type": "number"], true).lines == ["$: expected number, got boolean true"])
    }

    @Test func arraysOfTypes() throws {
        let schema: JSONValue = ["type": ["string", "null"]]
        #expect(try Support.violations(schema, "x").isEmpty)
        #expect(try Support.violations(schema, nil).isEmpty)
        #expect(try Support.violations(schema, 1).lines == ["$: expected string or null, got integer 1"])
        let three: JSONValue = ["type": ["string", "integer", "boolean"]]
        #expect(try Support.violations(three, [1]).lines == ["$: expected string, integer or boolean, got array of 1 item"])
    }

    @Test func everyTypeName() throws {
        let values: [(String, JSONValue)] = [
            ("null", nil), ("boolean", false), ("object", [:]), ("array", []), ("number", 1.5), ("string", ""), ("integer", 7),
        ]
        for (name, value) in values {
            #expect(try Support.violations(["type": .string(name)], value).isEmpty, "\(name)")
        }
        #expect(try Support.violations(["type": "object"], ["a": 1]).isEmpty)
        #expect(try Support.violations(["type": "array"], ["a": 1]).lines == ["$: expected array, got object"])
    }

    @Test func longStringsAreCutInMessages() throws {
        let long = String(repeating: "a", count: 100)
        let message = try #require(try Support.violations(["type": "integer"], .string(long)).first?.message)
        #expect(message.hasSuffix("…"))
        #expect(message.count < 80)
    }

    @Test func enumListsTheAllowedValues() throws {
        let schema: JSONValue = ["enum": ["none", "words", 3]]
        #expect(try Support.violations(schema, "words").isEmpty)
        #expect(try Support.violations(schema, 3.0).isEmpty)
        #expect(try Support.violations(schema, "lines").lines == ["$: expected one of \"none\", \"words\", 3, got string \"lines\""])
        #expect(try Support.violations(schema, "lines").first?.keyword == "enum")
    }

    @Test func constComparesNumbersByValue() throws {
        #expect(try Support.violations(["const": 1], 1.0).isEmpty)
        #expect(try Support.violations(["const": ["a": [1, 2]]], ["a": [1, 2]]).isEmpty)
        let found = try Support.violations(["const": "x"], "y")
        #expect(found == [SchemaViolation(path: "$", keyword: "const", message: "expected \"x\", got string \"y\"")])
    }

    @Test func booleanSchemas() throws {
        #expect(try Support.violations(true, ["anything": 1]).isEmpty)
        #expect(try Support.violations(false, 1).lines == ["$: no value is allowed here"])
    }

    @Test func annotationsAndFormatAreIgnored() throws {
        let schema: JSONValue = [
            "type": "string", "format": "email", "title": "T", "description": "D", "default": "x", "examples": ["y"],
            "$comment": "c", "deprecated": false, "x-vendor": 1,
        ]
        #expect(try Support.violations(schema, "not an email").isEmpty)
    }

    @Test func redactedValuesAreNotShown() throws {
        let schema: JSONValue = ["type": "object", "properties": ["key": ["type": "integer"], "mode": ["enum": ["a"]]]]
        let found = try JSONSchema(schema).validate(["key": "sk-secret", "mode": "sk-other"], redacting: ["$.key", "$.mode"])
        #expect(found.lines == ["$.key: expected integer, got string ***", "$.mode: expected \"a\", got string ***"])
        #expect(!found.lines.joined().contains("sk-"))
    }
}
