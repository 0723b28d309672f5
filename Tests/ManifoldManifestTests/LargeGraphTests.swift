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
    func aSyntaxErrorNearTheEndHasItsLineAndColumn(compact: Bool) {
        // A trailing comma after the last node's last member.
        let text = LargeGraph(nodes: Self.size).text(compact: compact)
            .replacingOccurrences(of: #""output": "result""#, with: #""output": "result","#)
        let (line, column) = position(of: "}", after: #""output": "result","#, in: text)
        #expect(compact ? line == 1 : line > 50_000)
        #expect(errors(text).map(\.description) == [
            "large.json: $: invalid JSON at line \(line), column \(column): expected a key after ',' (JSON does not allow a trailing comma)"
                + "; correct the JSON syntax (no comments, no trailing commas, keys and strings in double quotes)"
        ])
    }

    @Test(arguments: [false, true])
    func aDuplicateKeyNearTheEndNamesItsPathAndLines(compact: Bool) {
        var graph = LargeGraph(nodes: Self.size)
        graph.extraMembers[9_998] = [#""output": "again""#]
        let text = graph.text(compact: compact)
        let first = position(of: #""output""#, after: #""n9998": {"#, in: text).line
        let second = position(of: #""output": "again""#, in: text).line
        #expect(compact ? (first, second) == (1, 1) : second == first + 1)
        #expect(errors(text).map(\.description) == [
            "large.json: $.nodes.n9998.output: key 'output' is written twice in the same object (lines \(first) and \(second))"
                + "; keep one of them; a JSON object holds each key once"
        ])
    }

    @Test func anUnknownKeyInTheLastNodeIsReportedAtItsPath() {
        var graph = LargeGraph(nodes: Self.size)
        graph.extraMembers[9_999] = [#""ouptut": "x""#]
        #expect(errors(graph.text()).map(\.description) == ["large.json: $.nodes.n9999.ouptut: unknown key 'ouptut'; did you mean 'output'?"])
    }

    @Test func edgesOfALargeGraphAreTheOnesItsShapeImplies() throws {
        let graph = LargeGraph(nodes: Self.size)
        let manifest = try Support.graph(graph.text())
        #expect(manifest.nodes.count == Self.size)
        #expect(manifest.nodes.last?.id == "n9999")
        let edges = manifest.edges().map(\.description)
        #expect(edges.count == graph.expectedEdges.count)
        #expect(edges == graph.expectedEdges)
        let (errors, warnings) = manifest.checkTopology()
        #expect(errors.isEmpty)
        #expect(warnings.isEmpty)
    }

    @Test func danglingSubscriptionsAndAnUnreadOutputAtTheLastNode() throws {
        var graph = LargeGraph(nodes: Self.size)
        graph.extraSubscriptions[9_999] = ["g9999.*", "missing"]
        graph.hasGraphOutput = false
        let (errors, warnings) = try Support.graph(graph.text()).checkTopology()
        let published = "producers publish to: " + graph.publishedTopics.joined(separator: ", ")
        #expect(errors.lines == [
            "$.nodes.n9999.subscribe[1]: nothing publishes to a topic matching 'g9999.*'; \(published)",
            "$.nodes.n9999.subscribe[2]: nothing publishes to 'missing'; \(published)",
        ])
        #expect(warnings.lines == ["$.nodes.n9999.output: nothing reads topic 'result': no node subscribes to it and no graph output uses it"])
    }

    @Test func aCycleThroughTheWholeGraphIsFoundAndSpelledOut() throws {
        var graph = LargeGraph(nodes: Self.size)
        graph.closesCycle = true
        let (errors, _) = try Support.graph(graph.text()).checkTopology()
        // The shortest way round: head to head through each group's `.in`, then the collector.
        let heads = stride(from: 0, through: graph.lastGroup * graph.fan, by: graph.fan).map(graph.id)
        let cycle = (heads + [graph.id(graph.collector), "n0"]).joined(separator: " → ")
        #expect(errors.lines == ["$.nodes.n0.subscribe[1]: nodes form a cycle: \(cycle)"])
    }
}
