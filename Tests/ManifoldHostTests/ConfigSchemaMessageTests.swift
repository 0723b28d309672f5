import Foundation
import Logging
import Manifold
import ManifoldHost
import ManifoldJSON
import Testing

/// Manifold's schema keywords: `x-manifold-message` words a failure for people, and
/// `x-manifold-warning` makes a setting that is allowed but worth knowing about a warning of
/// `manifold validate`, at its JSON path.
@Suite("Config schema messages and warnings")
struct ConfigSchemaMessageTests {
    static let schema: JSONValue = [
        "type": "object",
        "additionalProperties": false,
        "properties": [
            "name": ["type": "string"],
            "danger": ["type": "boolean", "x-manifold-warning": "danger is on for '${0}'"],
            "items": ["type": "array", "items": ["type": "object", "properties": ["loud": ["type": "boolean", "x-manifold-warning": "loud item"]]]],
            "mode": ["anyOf": [["type": "string", "x-manifold-warning": "mode as text"], ["type": "integer"]]],
            "token": ["type": "string"],
        ],
        "if": ["properties": ["name": ["const": "root"]], "required": ["name"]],
        "then": [
            "required": ["danger"], "properties": ["danger": ["const": true]],
            "x-manifold-message": "'${0/name}' needs \"danger\": true (token ${0/token}, missing ${0/nothing})",
        ],
    ]

    // MARK: The keywords in JSONSchema

    @Test("x-manifold-message replaces the failing schema's violations with one message at the value, placeholders filled")
    func messageReplacesViolations() throws {
        let schema = try JSONSchema(Self.schema)
        let violations = schema.validate(["name": "root", "danger": false, "token": "abc"])
        #expect(violations == [SchemaViolation(
            path: "$", keyword: "x-manifold-message", message: "'root' needs \"danger\": true (token abc, missing )")])
        #expect(schema.accepts(["name": "root", "danger": true]))
        #expect(schema.accepts(["name": "other"]))
    }

    @Test("a placeholder never shows a value from the environment")
    func placeholdersAreRedacted() throws {
        let schema = try JSONSchema(Self.schema)
        let violations = schema.validate(["name": "root", "token": "sk-secret"], redacting: ["$.token"])
        #expect(violations.map(\.message) == ["'root' needs \"danger\": true (token ***, missing )"])
    }

    @Test("x-manifold-warning warns for every value its schema accepts other than false and null, at the value's path")
    func warningsFireForSetValues() throws {
        let schema = try JSONSchema(Self.schema)
        #expect(schema.warnings(for: ["danger": false]).isEmpty)
        #expect(schema.warnings(for: ["name": "x"]).isEmpty)
        let warnings = schema.warnings(for: ["danger": true, "items": [["loud": false], ["loud": true]], "mode": "fast"])
        #expect(warnings == [
            SchemaViolation(path: "$.danger", keyword: "x-manifold-warning", message: "danger is on for 'true'"),
            SchemaViolation(path: "$.items[1].loud", keyword: "x-manifold-warning", message: "loud item"),
            SchemaViolation(path: "$.mode", keyword: "x-manifold-warning", message: "mode as text"),
        ])
        // The anyOf alternative that does not match the value gives no warning.
        #expect(schema.warnings(for: ["mode": 3]).isEmpty)
        // A value its schema refuses is an error, not a warning.
        #expect(schema.warnings(for: ["danger": "yes"]).isEmpty)
        #expect(!schema.accepts(["danger": "yes"]))
        // Warnings never make a value invalid.
        #expect(schema.accepts(["danger": true]))
    }

    @Test("misspelt or malformed Manifold keywords are schema errors, with the place and the fix")
    func malformedKeywordsAreRefused() {
        func problems(_ schema: JSONValue) -> [String] {
            do {
                _ = try JSONSchema(schema)
                return []
            } catch {
                return error.problems.map(\.description)
            }
        }
        #expect(problems(["x-manifold-warnings": "x"]) == ["$.x-manifold-warnings: unknown Manifold keyword 'x-manifold-warnings'; did you mean 'x-manifold-warning'?"])
        #expect(problems(["x-manifold-warning": true]) == ["$.x-manifold-warning: x-manifold-warning must be a non-empty string (the message people read), got boolean true"])
        #expect(problems(["x-manifold-message": " "]).count == 1)
        #expect(problems(["x-manifold-message": "see ${1/name}"]) == [
            "$.x-manifold-message: placeholder \"${1/name}\" is not supported; write ${0} for the value or ${0/name} for its member 'name'"
        ])
        #expect(problems(["x-manifold-message": "see ${0/name"]) == ["$.x-manifold-message: \"${\" has no closing \"}\""])
        // Other vendor keywords stay free.
        #expect(problems(["x-editor-hint": 3]).isEmpty)
    }

    // MARK: In `manifold validate`

    static let plugin = try! InProcessPlugin.generator(
        name: "guarded", ports: PortTypes(inputs: [.plainText], outputs: [.plainText]), configSchema: schema
    ) { _, _, _ in ClosureGenerator { _, _ in } }

    private func graph(config: String) throws -> String {
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/graph.json"
        try """
        { "manifold": 1, "name": "guarded",
          "inputs": { "text": { "topic": "in", "types": ["text/plain"] } },
          "outputs": { "out": { "topic": "out", "types": ["text/plain"] } },
          "nodes": { "node": { "plugin": "guarded", "config": \(config), "subscribe": ["in"], "output": "out" } } }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("validate reports each warning with file and JSON path, and the graph stays valid")
    func validateReportsWarnings() throws {
        let path = try graph(config: #"{ "danger": true, "items": [{ "loud": true }] }"#)
        let validation = GraphValidator.validate(manifestAt: path, providers: ["guarded": Self.plugin])
        #expect(validation.isValid, "\(validation.diagnostics)")
        #expect(validation.warnings.map(\.path) == ["$.nodes.node.config.danger", "$.nodes.node.config.items[0].loud"])
        #expect(validation.warnings.allSatisfy { $0.file == path })
        #expect(validation.warnings.first?.description == "\(path): $.nodes.node.config.danger: warning: danger is on for 'true'")
    }

    @Test("validate reports an x-manifold-message as the error, with no generic fix beside it")
    func validateReportsAuthoredErrors() throws {
        let path = try graph(config: #"{ "name": "root" }"#)
        let validation = GraphValidator.validate(manifestAt: path, providers: ["guarded": Self.plugin])
        #expect(!validation.isValid)
        let error = try #require(validation.errors.first)
        #expect(validation.errors.count == 1)
        #expect(error.path == "$.nodes.node.config")
        #expect(error.message == "'root' needs \"danger\": true (token , missing )")
        #expect(error.fix == nil)
    }
}
