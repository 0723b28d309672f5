import Foundation
import Manifold
import ManifoldJSON
import ManifoldMiddlewareKit
import ManifoldPluginTestSupport
import Testing

@Suite("schema middleware")
struct SchemaTests {
    static let citySchema: JSONValue = [
        "type": "object",
        "required": ["city", "days"],
        "properties": ["city": ["type": "string"], "days": ["type": "integer", "minimum": 1]],
    ]

    static func send(_ plugin: SchemaPlugin, _ artifact: Artifact, node: String = "weather") async throws -> Int {
        let calls = Counter()
        try await plugin.handle(artifact, context: Recorder().context(for: artifact, node: node), next: MiddlewareNext { _, _ in
            calls.increment()
        })
        return calls.current
    }

    static func jsonArtifact(_ text: String, type: ArtifactType = .json) -> Artifact {
        Artifact(type: type, payload: Data(text.utf8))
    }

    @Test("rejects invalid JSON inputs listing each violation with its path; valid ones pass; counted")
    func rejectsWithPaths() async throws {
        let logs = LogRecorder()
        let plugin = try SchemaPlugin(configuration: .init(schema: Self.citySchema), log: logs.log)
        #expect(try await Self.send(plugin, Self.jsonArtifact(#"{"city": "Oslo", "days": 3}"#)) == 1)
        await expectError(containing: ["schema: node 'weather' rejected input", "2 problems", "$.city", "$.days"]) {
            _ = try await Self.send(plugin, Self.jsonArtifact(#"{"city": 3, "days": 0}"#))
        }
        await expectError(containing: ["$: ", "days"]) {
            _ = try await Self.send(plugin, Self.jsonArtifact(#"{"city": "Oslo"}"#))
        }
        await expectError(containing: ["$: the payload is not valid JSON: invalid JSON at line 1, column 2 (byte 1)"]) {
            _ = try await Self.send(plugin, Self.jsonArtifact("{city"))
        }
        // A key written twice could be read differently by a consumer than by this check: refused.
        await expectError(containing: ["duplicate key \"city\" at $.city (first written at line 1, column 2)"]) {
            _ = try await Self.send(plugin, Self.jsonArtifact(#"{"city": "Oslo", "days": 3, "city": 4}"#))
        }
        // Names that differ only by Unicode normalisation are two members, not duplicates.
        let twoKeys = try SchemaPlugin(configuration: .init(schema: ["required": ["\u{E9}"], "maxProperties": 2]))
        #expect(try await Self.send(twoKeys, Self.jsonArtifact("{\"\u{E9}\": 1, \"e\u{301}\": 2}")) == 1)
        await expectError(containing: ["missing required property"]) {
            _ = try await Self.send(twoKeys, Self.jsonArtifact("{\"e\u{301}\": 2}"))
        }
        await plugin.shutdown()
        #expect(logs.text.contains("5 payloads validated, 4 rejected"))
    }

    @Test("non-JSON types pass unless requireJSON; +json types and configured types are checked")
    func typeSelection() async throws {
        let lenient = try SchemaPlugin(configuration: .init(schema: Self.citySchema))
        #expect(try await Self.send(lenient, .text("free text")) == 1)
        await expectError(containing: ["$.city"]) {
            _ = try await Self.send(lenient, Self.jsonArtifact(#"{"city": 1, "days": 1}"#, type: "application/vnd.weather+json"))
        }
        let strict = try SchemaPlugin(configuration: .init(schema: Self.citySchema, requireJSON: true))
        await expectError(containing: ["text/plain", "requireJSON"]) {
            _ = try await Self.send(strict, .text("free text"))
        }
        let toolCalls = try SchemaPlugin(configuration: .init(schema: ["type": "object", "required": ["id"]], types: ["tool/call"]))
        await expectError(containing: ["(tool/call)", "id"]) {
            _ = try await Self.send(toolCalls, Self.jsonArtifact(#"{"name": "pow"}"#, type: .toolCall))
        }
    }

    @Test("outputs are checked when configured: the generator's emit fails")
    func outputs() async throws {
        let plugin = try SchemaPlugin(configuration: .init(schema: Self.citySchema, applyTo: .outputs))
        let input = Artifact.text("make one")
        let out = Recorder()
        await expectError(containing: ["rejected output", "$.days"]) {
            try await plugin.handle(input, context: out.context(for: input, node: "maker"), next: MiddlewareNext { _, context in
                try await context.emit(Self.jsonArtifact(#"{"city": "Rome", "days": 1}"#))
                try await context.emit(Self.jsonArtifact(#"{"city": "Rome", "days": "two"}"#))
            })
        }
        #expect(out.all.count == 1, "only the valid output left")
    }

    @Test("an invalid schema in the config is refused with its problems")
    func invalidSchema() {
        expectError(containing: ["config.schema is not a usable JSON Schema", "propertes"]) {
            _ = try SchemaPlugin(configuration: .init(schema: ["type": "object", "propertes": [:]]))
        }
    }
}
