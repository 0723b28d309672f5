import Foundation
import Manifold
import ManifoldManifest
import Testing

/// Topology of random graphs against a brute-force reference that matches every
/// subscription with every producer: the indexed lookups must find exactly the same edges,
/// dangling subscriptions and unread topics, wildcards and system topics included.
@Suite("Topology against a brute-force reference")
struct TopologyReferenceTests {
    /// A deterministic generator (SplitMix64), so a failure can be replayed.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let tokens = ["a", "b", "c", "d"]

    func topic(_ random: inout Random) -> String {
        (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.tokens.randomElement(using: &random)! }.joined(separator: ".")
    }

    func pattern(_ random: inout Random) -> String {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return "$errors"
        case 1: return topic(&random) + ".>"
        case 2: return "nothing.here"
        default:
            return (0..<Int.random(in: 1...3, using: &random)).map { _ in
                Int.random(in: 0..<4, using: &random) == 0 ? "*" : Self.tokens.randomElement(using: &random)!
            }.joined(separator: ".")
        }
    }

    /// A random graph of `count` nodes: some without output, some publishing where nobody
    /// listens, some subscribing to nothing anyone publishes, several sharing each topic.
    func randomGraph(nodes count: Int, seed: UInt64) throws -> GraphManifest {
        var random = Random(state: seed)
        let inputs = (0..<3).map { "\"in\($0)\": {\"topic\": \"\(topic(&random))\"}" }.joined(separator: ", ")
        let outputs = (0..<3).map { "\"out\($0)\": {\"topic\": \"\(topic(&random))\"}" }.joined(separator: ", ")
        let nodes = (0..<count).map { index -> String in
            let patterns = (0..<Int.random(in: 1...3, using: &random)).map { _ in "\"\(pattern(&random))\"" }.joined(separator: ", ")
            // No output, a topic no pattern can reach (patterns have at most three tokens, or
            // start with a, b, c or d before a `>`), or a common one.
            let output = switch Int.random(in: 0..<10, using: &random) {
            case 0: ""
            case 1: ", \"output\": \"u.v.w.\(index)\""
            default: ", \"output\": \"\(topic(&random))\""
            }
            return "\"n\(index)\": {\"plugin\": \"p\", \"subscribe\": [\(patterns)]\(output)}"
        }.joined(separator: ",\n")
        return try Support.graph("""
            {"manifold": 1, "name": "random", "allowCycles": true, "inputs": {\(inputs)}, "outputs": {\(outputs)}, "nodes": {
            \(nodes)
            }}
            """)
    }

    struct Producer {
        let name: String
        let topic: Topic
        let path: String
    }

    /// Every producer, graph inputs first, each in manifest order.
    func producers(_ graph: GraphManifest) -> [Producer] {
        graph.inputs.map { Producer(name: "graph input '\($0.name)'", topic: $0.topic, path: $0.topicPath) }
            + graph.nodes.compactMap { node in node.output.map { Producer(name: "node '\(node.id)'", topic: $0, path: node.outputPath) } }
    }

    func referenceEdges(_ graph: GraphManifest) -> [String] {
        let producers = producers(graph)
        var edges: [String] = []
        for node in graph.nodes {
            for (index, pattern) in node.subscribe.enumerated() {
                for producer in producers where pattern.matches(producer.topic) {
                    edges.append("\(producer.path) → \(node.subscriptionPath(index)) (\(producer.name) → node '\(node.id)' on '\(producer.topic)')")
                }
            }
        }
        for output in graph.outputs {
            for producer in producers where producer.topic == output.topic {
                edges.append("\(producer.path) → \(output.topicPath) (\(producer.name) → graph output '\(output.name)' on '\(producer.topic)')")
            }
        }
        return edges
    }

    @Test(arguments: [1 as UInt64, 2, 3, 4])
    func edgesEqualTheReference(seed: UInt64) async throws {
        let (edges, reference) = try await offThePool {
            let graph = try randomGraph(nodes: 400, seed: seed)
            return (graph.edges().map { "\($0.producerPath) → \($0.consumerPath) (\($0))" }, referenceEdges(graph))
        }
        #expect(reference.count > 400)
        #expect(edges == reference)
    }

    @Test(arguments: [1 as UInt64, 2, 3, 4])
    func findingsEqualTheReference(seed: UInt64) async throws {
        let (dangling, unread, errors, warnings) = try await offThePool { try findings(seed: seed) }
        #expect(!dangling.isEmpty && !unread.isEmpty)
        #expect(Set(errors) == Set(dangling))
        #expect(Set(warnings) == Set(unread))
    }

    /// What the brute force finds and what `checkTopology` reports, as JSON paths.
    func findings(seed: UInt64) throws -> (dangling: [String], unread: [String], errors: [String], warnings: [String]) {
        let graph = try randomGraph(nodes: 400, seed: seed)
        let producers = producers(graph)
        let isRead = { (topic: Topic) in
            graph.nodes.contains { $0.subscribe.contains { $0.matches(topic) } } || graph.outputs.contains { $0.topic == topic }
        }
        var dangling: [String] = []
        for node in graph.nodes {
            for (index, pattern) in node.subscribe.enumerated() where !pattern.text.hasPrefix("$") {
                if !producers.contains(where: { pattern.matches($0.topic) }) { dangling.append(node.subscriptionPath(index)) }
            }
        }
        for output in graph.outputs where !output.topic.isSystem && !producers.contains(where: { $0.topic == output.topic }) {
            dangling.append(output.topicPath)
        }
        let unread = graph.nodes.compactMap { node in node.output.flatMap { isRead($0) ? nil : node.outputPath } }
            + graph.inputs.filter { !isRead($0.topic) }.map(\.topicPath)

        let (errors, warnings) = graph.checkTopology()
        return (dangling, unread, errors.map(\.jsonPath), warnings.map(\.jsonPath))
    }
}
