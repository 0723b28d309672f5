import Manifold
import ManifoldManifest
import Testing

/// The node fields of isolation and deadlines: read with their defaults, refused with the
/// path and the fix when wrong, and applied by `--isolate` (`GraphManifest.isolating`).
@Suite("Graph manifest: isolation, limits, restart, inputTimeoutSeconds")
struct NodeIsolationFieldTests {
    static func graph(node: String) -> String {
        """
        {"manifold": 1, "name": "g", "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
         "nodes": {"n": {"plugin": "p", "subscribe": ["in"], \(node)}, "m": {"plugin": "p", "subscribe": ["in"]}}}
        """
    }

    @Test func readsTheFieldsAndTheirDefaults() throws {
        let graph = try Support.graph(Self.graph(node: """
            "isolation": "process", "limits": {"memoryMiB": 256, "cpuSeconds": 60}, "restart": {"maxRestarts": 2},
            "inputTimeoutSeconds": 1.5
            """))
        let node = try #require(graph.nodes.first { $0.id == "n" })
        #expect(node.isolation == .process)
        #expect(node.limits == ResourceLimits(memoryMiB: 256, cpuSeconds: 60, openFiles: nil))
        #expect(node.restart == RestartPolicy(maxRestarts: 2, withinSeconds: 60, retries: 1))
        #expect(node.inputTimeoutSeconds == 1.5)
        let plain = try #require(graph.nodes.first { $0.id == "m" })
        #expect(plain.isolation == nil && plain.limits == nil && plain.inputTimeoutSeconds == nil)
        #expect(plain.restart == .default)
    }

    @Test func refusesWrongValuesWithPathAndFix() {
        let errors = Support.errors { () throws(ManifestErrors) in
            try Support.graph(Self.graph(node: """
                "isolation": "container", "inputTimeoutSeconds": 0,
                "limits": {"memoryMiB": 8, "cpuSecond": 1}, "restart": {"withinSeconds": "soon", "retries": -1}
                """))
        }
        #expect(errors.lines == [
            "$.nodes.n.inputTimeoutSeconds: must be more than 0, got 0",
            "$.nodes.n.isolation: unknown isolation \"container\"",
            "$.nodes.n.limits: 'limits' applies only to a node whose plugin runs in a worker process",
            "$.nodes.n.limits.cpuSecond: unknown key 'cpuSecond'",
            "$.nodes.n.limits.memoryMiB: must be at least 16, got 8",
            "$.nodes.n.restart: 'restart' applies only to a node whose plugin runs in a worker process",
            "$.nodes.n.restart.retries: must be at least 0, got -1",
            "$.nodes.n.restart.withinSeconds: expected a number, got string \"soon\"",
        ])
        let fixes = Dictionary(errors.map { ($0.jsonPath, $0.fix ?? "") }, uniquingKeysWith: { first, _ in first })
        #expect(fixes["$.nodes.n.isolation"] == "use \"none\" or \"process\"")
        #expect(fixes["$.nodes.n.limits"] == "add \"isolation\": \"process\" to the node, or remove 'limits'")
        #expect(fixes["$.nodes.n.limits.cpuSecond"] == "did you mean 'cpuSeconds'?")
    }

    @Test func aTimeoutAboveADayIsRefused() {
        let errors = Support.errors { () throws(ManifestErrors) in
            try Support.graph(Self.graph(node: #""inputTimeoutSeconds": 100000"#))
        }
        #expect(errors.lines == ["$.nodes.n.inputTimeoutSeconds: must be at most 86400, got 100000"])
    }

    @Test func isolatingNamesNodesOrAllAndReportsUnknownOnes() throws {
        let graph = try Support.graph(Self.graph(node: #""output": "out""#))
        let (one, unknown) = graph.isolating(["m", "nope"])
        #expect(one.nodes.map(\.isolation) == [nil, .process])
        #expect(unknown == ["nope"])
        let (every, none) = graph.isolating([GraphManifest.allNodes])
        #expect(every.nodes.allSatisfy { $0.isolation == .process })
        #expect(none.isEmpty)
    }
}
