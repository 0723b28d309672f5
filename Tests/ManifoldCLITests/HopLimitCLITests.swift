import Foundation
import Testing

/// A graph that loops without end (two nodes feeding each other) stops at its hop limit with
/// a message naming the node, the limit and where it is set, on every hub.
@Suite("manifold run: hop limits")
struct HopLimitCLITests {
    static func loop(maxHops: String = "") throws -> String {
        try CLI.writeGraph("""
            {"manifold": 1, "name": "loop", "plugins": ["\(CLI.repositoryRoot)/manifests/plugins"], "allowCycles": true, \(maxHops)
             "inputs": {"text": {"topic": "start", "types": ["text/plain"]}},
             "outputs": {"seen": {"topic": "forth", "types": ["text/plain"]}},
             "nodes": {
               "ping": {"plugin": "echo", "subscribe": ["start", "back"], "output": "forth"},
               "pong": {"plugin": "echo", "subscribe": ["forth"], "output": "back"}}}
            """)
    }

    @Test(arguments: TestHub.allCases)
    func aRunawayLoopEndsAtTheGraphsLimit(hub: TestHub) async throws {
        try await hub.with { arguments in
            let graph = try Self.loop(maxHops: #""maxHops": 10,"#)
            let result = try await CLI.run(["run", graph, "--input", "hi", "--output", "json"] + arguments)
            #expect(result.status == 1, "stderr: \(result.stderr)")
            let hops = result.stdout.split(separator: "\n").compactMap { line -> String? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return (object["metadata"] as? [String: String])?["manifold.hops"]
            }
            #expect(hops == ["1", "3", "5", "7", "9"], "ping's outputs, one hop more each round: \(result.stdout)")
            #expect(result.stderr.contains("error: node 'ping': refused an input of conversation"), "\(result.stderr)")
            #expect(result.stderr.contains("from node 'pong': it has already made 10 hops, and the limit is 10 (maxHops, $.maxHops in \(graph))"), "\(result.stderr)")
            #expect(result.stderr.contains("(hop-limit: 1)"), "\(result.stderr)")
        }
    }

    @Test func aGraphWithCyclesHasADefaultLimit() async throws {
        let graph = try Self.loop()
        let result = try await CLI.run(["run", graph, "--input", "hi"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 50, "ping runs on hops 0, 2, … 98")
        #expect(result.stderr.contains("it has already made 100 hops, and the limit is 100 (maxHops, the default for a graph with \"allowCycles\": true; set \"maxHops\" at the top of \(graph) to change it)"), "\(result.stderr)")
    }

    @Test func theExampleStopsWhereItsDocumentSays() async throws {
        let result = try await CLI.run(["run", "Examples/ping-pong.json", "--input", "hi"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stdout == String(repeating: "hi\n", count: 16))
        #expect(result.stderr.contains("it has already made 31 hops, and the limit is 30 (maxHops, $.nodes.pong.maxHops in Examples/ping-pong.json)"), "\(result.stderr)")
    }
}
