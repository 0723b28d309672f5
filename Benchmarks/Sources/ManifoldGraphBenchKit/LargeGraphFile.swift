import Foundation

/// Graph manifests of any size built from the bundled `echo` and `uppercase` plugins, laid out
/// as a person would write them (one node a line), for measuring how validation scales.
///
/// Nodes form groups of five: a head (`echo`) hears the whole previous group through a
/// wildcard (`g3.*`; the first head hears the graph input `text`) and publishes `gN.in`; four
/// `uppercase` members hear their head and publish `gN.wJ`; the last node collects the last
/// group and publishes `result`, the graph output. Every topic is read, every type meets:
/// the graph is valid, so a run checks everything and reports nothing.
public enum LargeGraphFile {
    /// The manifest text for `nodes` nodes (at least 2); `pluginFolder` is written as its
    /// `plugins` entry when given.
    public static func text(nodes count: Int, pluginFolder: String? = nil) -> String {
        precondition(count >= 2, "a large graph has at least a head and a collector")
        let collector = count - 1
        var lines: [String] = []
        lines.reserveCapacity(count)
        for node in 0..<count {
            let group = node / 5
            let line: String
            if node == collector {
                line = #""n\#(node)": { "plugin": "echo", "config": { "split": "words" }, "subscribe": ["g\#((count - 2) / 5).*"], "output": "result" }"#
            } else if node % 5 == 0 {
                let heard = node == 0 ? "input" : "g\(group - 1).*"
                line = #""n\#(node)": { "plugin": "echo", "config": { "split": "words" }, "subscribe": ["\#(heard)"], "output": "g\#(group).in" }"#
            } else {
                line = #""n\#(node)": { "plugin": "uppercase", "config": { "suffix": "!" }, "subscribe": ["g\#(group).in"], "output": "g\#(group).w\#(node % 5)" }"#
            }
            lines.append("    " + line)
        }
        let plugins = pluginFolder.map { "  \"plugins\": [\"\($0)\"],\n" } ?? ""
        return """
            {
              "manifold": 1,
              "name": "large-\(count)",
            \(plugins)  "inputs": { "text": { "topic": "input", "types": ["text/plain"] } },
              "outputs": { "result": { "topic": "result", "types": ["text/*"] } },
              "nodes": {
            \(lines.joined(separator: ",\n"))
              }
            }

            """
    }

    /// Writes `text(nodes:pluginFolder:)` to `path`.
    public static func write(nodes count: Int, to path: String, pluginFolder: String? = nil) throws {
        try Data(text(nodes: count, pluginFolder: pluginFolder).utf8).write(to: URL(fileURLWithPath: path))
    }
}
