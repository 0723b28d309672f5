import Foundation
import ManifoldJSON
@testable import ManifoldManifest
import Testing

/// The editor schemas in manifests/schema, checked with this validator against sample manifests.
@Suite("Editor schema files")
struct SchemaFileTests {
    static func schema(_ name: String) throws -> JSONSchema {
        let data = try Data(contentsOf: URL(fileURLWithPath: Support.repositoryRoot + "/manifests/schema/\(name).schema.json"))
        return try JSONSchema(try JSONValue(parsing: data))
    }

    static func pluginAccepted(_ json: JSONValue) -> Bool {
        Support.errors { () throws(ManifestErrors) in try PluginManifest.parse(json, file: "x.json") }.isEmpty
    }

    static func graphAccepted(_ json: JSONValue) -> Bool {
        Support.errors { () throws(ManifestErrors) in try GraphManifest.parse(json, file: "g.json") }.isEmpty
    }

    @Test func bundledPluginManifestsMatchThePluginSchema() throws {
        let schema = try Self.schema("plugin")
        let folder = Support.repositoryRoot + "/manifests/plugins"
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".json") {
            let json = try JSONValue(parsing: try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)))
            #expect(schema.validate(json).isEmpty, "\(file): \(schema.validate(json).lines)")
        }
        #expect(schema.validate(Support.pluginJSON(["sha256": .string(String(repeating: "a", count: 64)), "$schema": "x"])).isEmpty)
    }

    @Test func invalidPluginManifestIsRejectedAtTheRightPaths() throws {
        let schema = try Self.schema("plugin")
        let json = Support.pluginJSON([
            "kind": "generater", "ouputs": ["text/plain"], "outputs": nil, "abi": "1", "inputs": [], "sha256": "abc", "manifestVersion": 2,
        ])
        #expect(schema.validate(json).lines == [
            "$: missing required property 'outputs'",
            #"$.abi: string "1" does not match the pattern ^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$"#,
            "$.kind: expected one of \"generator\", \"middleware\", got string \"generater\"",
            "$.manifestVersion: expected 1, got integer 2",
            "$.ouputs: unknown property 'ouputs' (allowed: $schema, abi, concurrent, configSchema, description, extensions, inputs, kind, library, manifestVersion, name, outputs, …); did you mean 'outputs'?",
            "$.sha256: string \"abc\" does not match the pattern ^[0-9A-Fa-f]{64}$",
            "$.inputs: array has 0 items, needs at least 1",
        ])
    }

    @Test func pluginSchemaAndParserAgree() throws {
        let schema = try Self.schema("plugin")
        let samples: [(String, JSONValue, Bool)] = [
            ("valid", Support.pluginJSON(), true),
            ("middleware", Support.pluginJSON(["kind": "middleware", "version": "2.0.0-rc.1+b5"]), true),
            ("wildcard types", Support.pluginJSON(["inputs": ["*/*", "text/*", "application/json;charset=utf-8"]]), true),
            ("no schema", Support.pluginJSON(["configSchema": nil, "description": nil]), true),
            ("editor $schema", Support.pluginJSON(["$schema": "../schema/plugin.schema.json"]), true),
            ("bad name", Support.pluginJSON(["name": "Upper"]), false),
            ("bad version", Support.pluginJSON(["version": "1"]), false),
            ("bad abi", Support.pluginJSON(["abi": "1.0.0"]), false),
            ("empty library", Support.pluginJSON(["library": ""]), false),
            ("bad type", Support.pluginJSON(["outputs": ["text"]]), false),
            ("schema not object", Support.pluginJSON(["configSchema": 3]), false),
            ("missing kind", Support.pluginJSON(["kind": nil]), false),
            ("unknown key", Support.pluginJSON(["extra": 1]), false),
            ("native runtime and extensions", Support.pluginJSON(["runtime": "native", "extensions": ["manifold.source", "manifold.state"]]), true),
            ("unknown runtime", Support.pluginJSON(["runtime": "wasm"]), false),
            ("source without inputs", Support.pluginJSON(["extensions": ["manifold.source"], "inputs": []]), true),
            ("no inputs, no source", Support.pluginJSON(["extensions": ["manifold.state"], "inputs": []]), false),
            ("unknown extension", Support.pluginJSON(["extensions": ["manifold.telepathy"]]), false),
            ("extension twice", Support.pluginJSON(["extensions": ["manifold.state", "manifold.state"]]), false),
        ]
        for (name, json, valid) in samples {
            #expect(schema.validate(json).isEmpty == valid, "schema, \(name)")
            #expect(Self.pluginAccepted(json) == valid, "parser, \(name)")
        }
    }

    @Test func exampleGraphMatchesTheGraphSchema() throws {
        let schema = try Self.schema("graph")
        let json = try JSONValue(parsing: GraphManifestTests.example)
        #expect(schema.validate(json).isEmpty, "\(schema.validate(json).lines)")
        #expect(Self.graphAccepted(json))
    }

    @Test func invalidGraphIsRejectedAtTheRightPaths() throws {
        let schema = try Self.schema("graph")
        let json: JSONValue = [
            "manifold": 2, "name": "g",
            "hub": ["policy": "drop", "transport": "nats"],
            "inputs": ["in": ["topic": "$in"]],
            "nodes": ["coder": ["plugin": "agent", "subscribe": ["a.>.b"], "output": "$errors", "subscrbe": [], "errorPolicy": "halt"]],
        ]
        #expect(schema.validate(json).lines == [
            "$.hub.policy: expected one of \"block\", \"drop-oldest\", \"drop-newest\", \"fail\", got string \"drop\"",
            "$.hub.transport: does not match any of the alternatives (anyOf): [0] expected \"in-process\", got string \"nats\"; [1] string \"nats\" does not match the pattern ^(nats|tls)://",
            #"$.inputs.in.topic: string "$in" does not match the pattern ^[^.\s*>$][^.\s*>]*(\.[^.\s*>]+)*$"#,
            "$.manifold: expected 1, got integer 2",
            "$.nodes.coder.errorPolicy: expected one of \"continue\", \"stop\", got string \"halt\"",
            #"$.nodes.coder.output: string "$errors" does not match the pattern ^[^.\s*>$][^.\s*>]*(\.[^.\s*>]+)*$"#,
            "$.nodes.coder.subscrbe: unknown property 'subscrbe' (allowed: capacity, concurrency, config, description, errorPolicy, inputTimeoutSeconds, instanceIdleSeconds, instances, isolation, limits, maxHops, maxInstances, …); did you mean 'subscribe'?",
            #"$.nodes.coder.subscribe[0]: string "a.>.b" does not match the pattern ^(([^.\s*>]+|\*)(\.([^.\s*>]+|\*))*(\.>)?|>)$"#,
        ])
        #expect(!Self.graphAccepted(json))
    }

    @Test func graphSchemaAndParserAgree() throws {
        let schema = try Self.schema("graph")
        func graph(_ node: JSONValue, _ extra: [String: JSONValue] = [:]) -> JSONValue {
            var members: [String: JSONValue] = ["manifold": 1, "name": "g", "nodes": ["n": node]]
            for (key, value) in extra { members[key] = value }
            return .object(members)
        }
        let samples: [(String, JSONValue, Bool)] = [
            ("minimal", graph(["plugin": "p", "subscribe": ["t"]]), true),
            ("wildcards", graph(["plugin": "p", "subscribe": ["a.*.b", "c.>", ">", "$errors"]]), true),
            ("full node", graph([
                "plugin": "p", "subscribe": ["t"], "output": "o", "concurrency": 4, "errorPolicy": "stop", "capacity": 8, "policy": "drop-newest",
                "middleware": [["plugin": "log", "config": ["k": "${V:-x}"]]], "config": ["any": [1, nil]], "description": "d",
            ]), true),
            ("ports", graph(["plugin": "p", "subscribe": ["t"]], [
                "inputs": ["in": ["topic": "t", "types": ["text/plain"]]], "outputs": ["out": ["topic": "$errors", "description": "e"]],
                "plugins": ["a", "/b"], "hub": ["capacity": 1], "allowCycles": true, "$schema": "x",
            ]), true),
            // A source plugin subscribes to nothing; whether the plugin is one is `validate`'s check.
            ("no subscriptions", graph(["plugin": "p", "subscribe": []]), true),
            ("subscribe left out", graph(["plugin": "p", "output": "ticks"]), true),
            ("bad plugin name", graph(["plugin": "P", "subscribe": ["t"]]), false),
            ("zero concurrency", graph(["plugin": "p", "subscribe": ["t"], "concurrency": 0]), false),
            ("fractional capacity", graph(["plugin": "p", "subscribe": ["t"], "capacity": 1.5]), false),
            ("bad topic", graph(["plugin": "p", "subscribe": ["t"], "output": "a..b"]), false),
            ("wildcard output", graph(["plugin": "p", "subscribe": ["t"], "output": "a.*"]), false),
            ("middleware string", graph(["plugin": "p", "subscribe": ["t"], "middleware": ["log"]]), false),
            ("bad node id", .object(["manifold": 1, "name": "g", "nodes": ["a b": ["plugin": "p", "subscribe": ["t"]]]]), false),
            ("no nodes", .object(["manifold": 1, "name": "g", "nodes": [:]]), false),
            ("empty name", graph(["plugin": "p", "subscribe": ["t"]], ["name": ""]), false),
            ("port without topic", graph(["plugin": "p", "subscribe": ["t"]], ["inputs": ["in": ["types": ["text/plain"]]]]), false),
            ("empty types", graph(["plugin": "p", "subscribe": ["t"]], ["outputs": ["o": ["topic": "t", "types": []]]]), false),
            ("hub capacity 0", graph(["plugin": "p", "subscribe": ["t"]], ["hub": ["capacity": 0]]), false),
            ("NATS hub", graph(["plugin": "p", "subscribe": ["t"]], ["hub": ["transport": "tls://h:4222", "ackWaitSeconds": 2.5, "maxDeliver": 3]]), true),
            ("maxDeliver 0", graph(["plugin": "p", "subscribe": ["t"]], ["hub": ["maxDeliver": 0]]), false),
            ("per conversation", graph(
                ["plugin": "p", "subscribe": ["t"], "instances": "per-correlation", "instanceIdleSeconds": 30, "maxInstances": 5, "maxHops": 9],
                ["maxHops": 40, "allowCycles": true]), true),
            ("replicas", graph(["plugin": "p", "subscribe": ["t"], "replicas": 3]), true),
            ("unknown scope", graph(["plugin": "p", "subscribe": ["t"], "instances": "per-user"]), false),
            ("maxHops 0", graph(["plugin": "p", "subscribe": ["t"]], ["maxHops": 0]), false),
            ("node maxHops 0", graph(["plugin": "p", "subscribe": ["t"], "maxHops": 0]), false),
        ]
        for (name, json, valid) in samples {
            #expect(schema.validate(json).isEmpty == valid, "schema, \(name): \(schema.validate(json).lines)")
            #expect(Self.graphAccepted(json) == valid, "parser, \(name)")
        }
    }

    /// Every key the parser reads is described by the schema, and no other: editors must not
    /// flag a valid key or pass one the parser refuses.
    @Test func graphSchemaNamesExactlyTheParsersKeys() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Support.repositoryRoot + "/manifests/schema/graph.schema.json"))
        let root = try JSONValue(parsing: data)
        func keys(_ object: JSONValue?) -> [String] {
            (object?.objectValue?["properties"]?.objectValue?.keys).map { $0.sorted() } ?? []
        }
        let definitions = root.objectValue?["$defs"]?.objectValue
        #expect(keys(root) == GraphManifestParser.keys.sorted())
        #expect(keys(root.objectValue?["properties"]?.objectValue?["hub"]) == GraphManifestParser.hubKeys.sorted())
        #expect(keys(definitions?["node"]) == GraphManifestParser.nodeKeys.sorted())
        #expect(keys(definitions?["middleware"]) == GraphManifestParser.middlewareKeys.sorted())
        let node = definitions?["node"]?.objectValue?["properties"]?.objectValue
        #expect(keys(node?["limits"]) == GraphManifestParser.limitKeys.sorted())
        #expect(keys(node?["restart"]) == GraphManifestParser.restartKeys.sorted())
    }
}
