import Foundation
import Manifold
import ManifoldManifest
import Testing

/// Manifests of 10,000 nodes: what is reported about a mistake near the end of the file, and
/// the wiring, must be exactly what a small graph would give. (Not timed: the benchmark in
/// Benchmarks/ measures how validation scales.)
@Suite("Large graphs")
struct LargeGraphTests {
    static let size = 10_000

    func errors(_ text: String) -> [ManifestError] {
        Support.errors { () throws(ManifestErrors) in try Support.graph(text, file: "large.json") }
    }

    @Test(arguments: [false, true])
    func aSyntaxErrorNearTheEndHasItsLineAndColumn(compact: Bool) async throws {
        // A trailing comma after the last node's last member.
        let (found, line, column) = try await offThePool {
            let text = LargeGraph(nodes: Self.size).text(compact: compact)
                .replacingOccurrences(of: #""output": "result""#, with: #""output": "result","#)
            let (line, column) = position(of: "}", after: #""output": "result","#, in: text)
            return (errors(text), line, column)
        }
        #expect(compact ? line == 1 : line > 50_000)
        #expect(found.map(\.description) == [
            "large.json: $: invalid JSON at line \(line), column \(column): expected a key after ',' (JSON does not allow a trailing comma)"
                + "; correct the JSON syntax (no comments, no trailing commas, keys and strings in double quotes)"
        ])
    }

    @Test(arguments: [false, true])
    func aDuplicateKeyNearTheEndNamesItsPathAndLines(compact: Bool) async throws {
        let (found, first, second) = try await offThePool {
            var graph = LargeGraph(nodes: Self.size)
            graph.extraMembers[9_998] = [#""output": "again""#]
            let text = graph.text(compact: compact)
            let first = position(of: #""output""#, after: #""n9998": {"#, in: text).line
            let second = position(of: #""output": "again""#, in: text).line
            return (errors(text), first, second)
        }
        #expect(compact ? (first, second) == (1, 1) : second == first + 1)
        #expect(found.map(\.description) == [
            "large.json: $.nodes.n9998.output: key 'output' is written twice in the same object (lines \(first) and \(second))"
                + "; keep one of them; a JSON object holds each key once"
        ])
    }

    @Test func anUnknownKeyInTheLastNodeIsReportedAtItsPath() async throws {
        let found = try await offThePool {
            var graph = LargeGraph(nodes: Self.size)
            graph.extraMembers[9_999] = [#""ouptut": "x""#]
            return errors(graph.text())
        }
        #expect(found.map(\.description) == ["large.json: $.nodes.n9999.ouptut: unknown key 'ouptut'; did you mean 'output'?"])
    }

    @Test func edgesOfALargeGraphAreTheOnesItsShapeImplies() async throws {
        let (count, lastID, edges, expected, (errors, warnings)) = try await offThePool {
            let graph = LargeGraph(nodes: Self.size)
            let manifest = try Support.graph(graph.text())
            return (manifest.nodes.count, manifest.nodes.last?.id, manifest.edges().map(\.description), graph.expectedEdges, manifest.checkTopology())
        }
        #expect(count == Self.size)
        #expect(lastID == "n9999")
        #expect(edges.count == expected.count)
        #expect(edges == expected)
        #expect(errors.isEmpty)
        #expect(warnings.isEmpty)
    }

    @Test func danglingSubscriptionsAndAnUnreadOutputAtTheLastNode() async throws {
        let ((errors, warnings), published) = try await offThePool {
            var graph = LargeGraph(nodes: Self.size)
            graph.extraSubscriptions[9_999] = ["g9999.*", "missing"]
            graph.hasGraphOutput = false
            return (try Support.graph(graph.text()).checkTopology(), "producers publish to: " + graph.publishedTopics.joined(separator: ", "))
        }
        #expect(errors.lines == [
            "$.nodes.n9999.subscribe[1]: nothing publishes to a topic matching 'g9999.*'; \(published)",
            "$.nodes.n9999.subscribe[2]: nothing publishes to 'missing'; \(published)",
        ])
        #expect(warnings.lines == ["$.nodes.n9999.output: nothing reads topic 'result': no node subscribes to it and no graph output uses it"])
    }

    @Test func aCycleThroughTheWholeGraphIsFoundAndSpelledOut() async throws {
        let ((errors, _), cycle) = try await offThePool {
            var graph = LargeGraph(nodes: Self.size)
            graph.closesCycle = true
            // The shortest way round: head to head through each group's `.in`, then the collector.
            let heads = stride(from: 0, through: graph.lastGroup * graph.fan, by: graph.fan).map(graph.id)
            return (try Support.graph(graph.text()).checkTopology(), (heads + [graph.id(graph.collector), "n0"]).joined(separator: " → "))
        }
        #expect(errors.lines == ["$.nodes.n0.subscribe[1]: nodes form a cycle: \(cycle)"])
    }
}
