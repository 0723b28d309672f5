import Manifold
import ManifoldManifest

/// A graph as Graphviz dot or Mermaid text: inputs, nodes (with plugin and types) and
/// outputs, one edge per producer → consumer pair, labelled with the topic and its types.
public struct GraphPicture: Sendable {
    /// The graph.
    public let manifest: GraphManifest
    /// The loaded plugins by name, for node types; nodes whose plugin is missing show none.
    public let plugins: [String: any PluginProvider]

    /// Describes a graph.
    public init(manifest: GraphManifest, plugins: [String: any PluginProvider]) {
        self.manifest = manifest
        self.plugins = plugins
    }

    /// Graphviz dot.
    public func dot() -> String {
        var lines = ["digraph \(quoted(manifest.name)) {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];"]
        for input in manifest.inputs {
            lines.append("  \(quoted(id(.input(input.name)))) [shape=invhouse, label=\(quoted("input \(input.name)\n\(input.types)"))];")
        }
        for node in manifest.nodes {
            lines.append("  \(quoted(id(.node(node.id)))) [shape=box, style=rounded, label=\(quoted(nodeLabel(node.id, separator: "\n")))];")
        }
        for output in manifest.outputs {
            lines.append("  \(quoted(id(.output(output.name)))) [shape=house, label=\(quoted("output \(output.name)\n\(output.types)"))];")
        }
        for edge in manifest.edges() {
            lines.append("  \(quoted(id(edge.producer))) -> \(quoted(id(edge.consumer))) [label=\(quoted(edgeLabel(edge)))];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Mermaid flowchart.
    public func mermaid() -> String {
        var lines = ["flowchart LR"]
        for input in manifest.inputs {
            lines.append("  \(safe(id(.input(input.name))))[/\"input \(input.name)<br/>\(escaped(input.types.description))\"/]")
        }
        for node in manifest.nodes {
            lines.append("  \(safe(id(.node(node.id))))(\"\(escaped(nodeLabel(node.id, separator: "<br/>")))\")")
        }
        for output in manifest.outputs {
            lines.append("  \(safe(id(.output(output.name))))[\\\"output \(output.name)<br/>\(escaped(output.types.description))\"\\]")
        }
        for edge in manifest.edges() {
            lines.append("  \(safe(id(edge.producer))) -->|\"\(escaped(edgeLabel(edge)))\"| \(safe(id(edge.consumer)))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func nodeLabel(_ nodeID: String, separator: String) -> String {
        guard let node = manifest.node(nodeID) else { return nodeID }
        var label = "\(nodeID)\(separator)\(node.plugin)"
        if !node.middleware.isEmpty { label += " + " + node.middleware.map(\.plugin).joined(separator: ", ") }
        if let plugin = plugins[node.plugin] {
            label += "\(separator)\(plugin.descriptor.inputs) → \(plugin.descriptor.outputs)"
        }
        return label
    }

    private func edgeLabel(_ edge: GraphEdge) -> String {
        var label = edge.topic.name
        if case .node(let producer) = edge.producer, let node = manifest.node(producer),
            let plugin = plugins[node.plugin]
        {
            label += " \(plugin.descriptor.outputs)"
        } else if case .input(let name) = edge.producer, let input = manifest.input(named: name) {
            label += " \(input.types)"
        }
        return label
    }

    private func id(_ end: GraphEdge.End) -> String {
        switch end {
        case .input(let name): return "input:\(name)"
        case .node(let id): return "node:\(id)"
        case .output(let name): return "output:\(name)"
        }
    }

    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    private func safe(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "#quot;")
    }
}
