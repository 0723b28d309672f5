import Foundation

/// A generated graph manifest of any size, and what its shape implies, for the tests of
/// large graphs: the expected edges and cycle come from the generator's own bookkeeping,
/// not from the code under test.
///
/// Nodes form groups of `fan`: a group's head (`echo`) hears the whole previous group through
/// a wildcard (`g3.*`; the first head hears the graph input) and publishes `gN.in`; the other
/// members (`upper`) hear their head and publish `gN.wJ`. The last node collects the last
/// group (`gN.*`) and publishes `result`, the graph output. Every member is on its own line.
struct LargeGraph {
    /// How many nodes, the collector included (at least 2).
    var nodes: Int
    var fan = 5
    /// Member lines added to node `i` after its own (`"description": "x"`).
    var extraMembers: [Int: [String]] = [:]
    /// Patterns added to the subscriptions of node `i`.
    var extraSubscriptions: [Int: [String]] = [:]
    /// Whether `result` is a graph output.
    var hasGraphOutput = true
    /// Whether the first node also hears `result`, closing a cycle through every group.
    var closesCycle = false

    init(nodes: Int) {
        precondition(nodes >= 2)
        self.nodes = nodes
    }

    func id(_ node: Int) -> String { "n\(node)" }
    var collector: Int { nodes - 1 }
    var lastGroup: Int { (nodes - 2) / fan }
    func isHead(_ node: Int) -> Bool { node != collector && node % fan == 0 }

    /// The group members `g*` hears, in manifest order.
    func members(of group: Int) -> Range<Int> { group * fan..<min((group + 1) * fan, collector) }

    func plugin(_ node: Int) -> String { node == collector || isHead(node) ? "echo" : "upper" }

    func output(_ node: Int) -> String {
        if node == collector { return "result" }
        return isHead(node) ? "g\(node / fan).in" : "g\(node / fan).w\(node % fan)"
    }

    func subscriptions(_ node: Int) -> [String] {
        var patterns: [String]
        if node == collector {
            patterns = ["g\(lastGroup).*"]
        } else if isHead(node) {
            patterns = [node == 0 ? "input" : "g\(node / fan - 1).*"]
            if node == 0 && closesCycle { patterns.append("result") }
        } else {
            patterns = ["g\(node / fan).in"]
        }
        return patterns + (extraSubscriptions[node] ?? [])
    }

    /// The manifest, one member a line; `compact` writes it on one line.
    func text(compact: Bool = false) -> String {
        var lines = [
            "{", #"  "manifold": 1,"#, #"  "name": "large","#,
            #"  "inputs": { "text": { "topic": "input", "types": ["text/plain"] } },"#,
        ]
        if hasGraphOutput { lines.append(#"  "outputs": { "result": { "topic": "result", "types": ["text/*"] } },"#) }
        lines.append(#"  "nodes": {"#)
        for node in 0..<nodes {
            let subscribe = subscriptions(node).map { "\"\($0)\"" }.joined(separator: ", ")
            let members = [#""plugin": "\#(plugin(node))""#, #""subscribe": [\#(subscribe)]"#, #""output": "\#(output(node))""#]
                + (extraMembers[node] ?? [])
            lines.append("    \"\(id(node))\": {")
            lines += members.enumerated().map { "      " + $1 + ($0 < members.count - 1 ? "," : "") }
            lines.append(node < nodes - 1 ? "    }," : "    }")
        }
        lines += ["  }", "}"]
        if compact { return lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every edge as `GraphEdge.description` gives it, in `GraphManifest.edges()` order,
    /// worked out from the shape alone.
    var expectedEdges: [String] {
        var edges: [String] = []
        for node in 0..<nodes {
            for pattern in subscriptions(node) {
                for producer in producers(of: pattern) { edges.append("\(producer.name) → node '\(id(node))' on '\(producer.topic)'") }
            }
        }
        if hasGraphOutput { edges.append("node '\(id(collector))' → graph output 'result' on 'result'") }
        return edges
    }

    private func producers(of pattern: String) -> [(name: String, topic: String)] {
        if pattern == "input" { return [("graph input 'text'", "input")] }
        if pattern == "result" { return [("node '\(id(collector))'", "result")] }
        let parts = pattern.split(separator: ".")
        guard parts.count == 2, parts[0].hasPrefix("g"), let group = Int(parts[0].dropFirst()), group <= lastGroup else { return [] }
        let heard = parts[1] == "*" ? Array(members(of: group)) : parts[1] == "in" ? [group * fan] : []
        return heard.map { ("node '\(id($0))'", output($0)) }
    }

    /// Every topic published, sorted: what topology messages list.
    var publishedTopics: [String] {
        (["input"] + (0..<nodes).map(output)).sorted()
    }
}

/// Line and column (1-based, in characters) of the first `marker` in `text` (after `after`),
/// counted plainly: the reference for positions the parser reports.
func position(of marker: String, after anchor: String = "", in text: String) -> (line: Int, column: Int) {
    let start = anchor.isEmpty ? text.startIndex : text.range(of: anchor)!.upperBound
    let found = text.range(of: marker, range: start..<text.endIndex)!.lowerBound
    let before = text[..<found]
    let line = before.filter { $0 == "\n" }.count + 1
    let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
    return (line, text[lineStart..<found].count + 1)
}
