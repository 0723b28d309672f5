import Manifold
import ManifoldManifest
import Testing

/// `instances`, `instanceIdleSeconds`, `maxInstances` on a node and `maxHops` on the graph or a
/// node: read with their defaults, refused with the path and the fix when wrong.
@Suite("Graph manifest: instances per conversation and hop limits")
struct DurabilityFieldTests {
    static func graph(top: String = "", node: String) -> String {
        """
        {"manifold": 1, "name": "g", \(top) "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
         "nodes": {"n": {"plugin": "p", "subscribe": ["in"], \(node)}, "m": {"plugin": "p", "subscribe": ["in"]}}}
        """
    }

    @Test func readsInstancesWithTheirDefaults() throws {
        let graph = try Support.graph(Self.graph(node: #""instances": "per-correlation", "maxInstances": 20"#))
        let node = try #require(graph.node("n"))
        #expect(node.instances == NodeInstances(scope: .perCorrelation, idleSeconds: 600, maximum: 20))
        #expect(try #require(graph.node("m")).instances == .shared)
        let explicit = try Support.graph(Self.graph(node: #""instances": "per-correlation", "instanceIdleSeconds": 0.5"#))
        #expect(explicit.node("n")?.instances == NodeInstances(scope: .perCorrelation, idleSeconds: 0.5, maximum: 1000))
        let shared = try Support.graph(Self.graph(node: #""instances": "shared""#))
        #expect(shared.node("n")?.instances == .shared)
    }

    @Test func refusesWrongInstanceSettingsWithPathAndFix() {
        let unknown = Support.errors { () throws(ManifestErrors) in
            try Support.graph(Self.graph(node: #""instances": "per-conversation""#))
        }
        #expect(unknown.lines == [#"$.nodes.n.instances: unknown instance scope "per-conversation""#])
        #expect(unknown.first?.fix?.contains("per-correlation") == true)

        let withoutScope = Support.errors { () throws(ManifestErrors) in
            try Support.graph(Self.graph(node: #""instanceIdleSeconds": 5, "maxInstances": 3"#))
        }
        #expect(withoutScope.lines == [
            "$.nodes.n.instanceIdleSeconds: 'instanceIdleSeconds' applies only to a node with one instance per conversation",
            "$.nodes.n.maxInstances: 'maxInstances' applies only to a node with one instance per conversation",
        ])
        #expect(withoutScope.first?.fix == #"add "instances": "per-correlation" to the node, or remove 'instanceIdleSeconds'"#)

        let conflicting = Support.errors { () throws(ManifestErrors) in
            try Support.graph(Self.graph(node: #""instances": "per-correlation", "replicas": 2, "concurrency": 4, "maxInstances": 2, "instanceIdleSeconds": 0"#))
        }
        #expect(conflicting.lines == [
            "$.nodes.n.instanceIdleSeconds: must be more than 0, got 0",
            "$.nodes.n.maxInstances: maxInstances 2 is below the node's concurrency 4: an input could find every instance busy",
            "$.nodes.n.replicas: a node with one instance per conversation cannot have replicas: they share inputs by load, not by conversation, so one conversation's state would be split between them",
        ])
        #expect(conflicting.map(\.fix).contains("raise maxInstances to at least 4, or lower concurrency"))
    }

    @Test func hopLimitsComeFromTheNodeTheGraphOrTheDefaultForCycles() throws {
        let both = try Support.graph(Self.graph(top: #""maxHops": 30,"#, node: #""maxHops": 8"#), file: "loop.json")
        #expect(both.maxHops == 30)
        #expect(both.countsHops)
        let n = try #require(both.node("n"))
        let m = try #require(both.node("m"))
        #expect(both.hopLimit(of: n) == HopLimitSetting(maximum: 8, source: "$.nodes.n.maxHops in loop.json"))
        #expect(both.hopLimit(of: m) == HopLimitSetting(maximum: 30, source: "$.maxHops in loop.json"))

        let cyclic = try Support.graph(Self.graph(top: #""allowCycles": true,"#, node: #""output": "out""#), file: "loop.json")
        let cyclicNode = try #require(cyclic.node("n"))
        let limit = try #require(cyclic.hopLimit(of: cyclicNode))
        #expect(limit.maximum == GraphManifest.defaultMaxHopsWithCycles)
        #expect(limit.source.contains("the default for a graph with \"allowCycles\": true"))
        #expect(cyclic.countsHops)

        let plain = try Support.graph(Self.graph(node: #""output": "out""#))
        let plainNode = try #require(plain.node("n"))
        #expect(plain.hopLimit(of: plainNode) == nil)
        #expect(!plain.countsHops, "an acyclic graph without limits writes no counts")

        let oneNode = try Support.graph(Self.graph(node: #""maxHops": 3"#))
        #expect(oneNode.countsHops, "every node counts when one checks")
        let unlimited = try #require(oneNode.node("m"))
        #expect(oneNode.hopLimit(of: unlimited) == nil)
    }

    @Test func refusesHopLimitsBelowOne() {
        let errors = Support.errors { () throws(ManifestErrors) in
            try Support.graph(Self.graph(top: #""maxHops": 0,"#, node: #""maxHops": "many""#))
        }
        #expect(errors.lines.count == 2)
        #expect(errors.lines.contains("$.maxHops: must be at least 1, got 0"))
        #expect(errors.contains { $0.jsonPath == "$.nodes.n.maxHops" })
    }
}
