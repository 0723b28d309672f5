import MCP
import ManifoldMCPValues
import ManifoldContracts

/// The tools an `mcp` node offers, by the names the model sees: each server's tool name with
/// the server's `prefix`; a name two servers offer becomes `<server>_<name>` for both, so the
/// model can tell them apart and neither hides the other.
struct MCPToolDirectory: Sendable {
    /// A tool as the node offers it.
    struct Entry: Sendable {
        /// The name the model calls it by.
        var name: String
        /// The index of its server in `config.servers`.
        var server: Int
        /// The tool as its server describes it.
        var tool: Tool
    }

    /// The tools, servers in config order, each server's tools in its order.
    let entries: [Entry]
    /// Tools left out because their names still clashed after prefixing, as messages.
    let leftOut: [String]
    private let byName: [String: Entry]

    /// The directory of `servers`' tools (servers given in config order).
    init(servers: [(spec: MCPServerSpec, tools: [Tool])]) {
        var offers: [String: Int] = [:]
        for server in servers {
            for name in Set(server.tools.map { (server.spec.prefix ?? "") + $0.name }) { offers[name, default: 0] += 1 }
        }
        var entries: [Entry] = []
        var byName: [String: Entry] = [:]
        var leftOut: [String] = []
        for (index, server) in servers.enumerated() {
            for tool in server.tools {
                let plain = (server.spec.prefix ?? "") + tool.name
                let name = offers[plain, default: 0] > 1 ? "\(server.spec.name)_\(plain)" : plain
                guard byName[name] == nil else {
                    leftOut.append("tool '\(tool.name)' of MCP server '\(server.spec.name)' is left out: the name '\(name)' is taken; give the server a \"prefix\"")
                    continue
                }
                let entry = Entry(name: name, server: index, tool: tool)
                entries.append(entry)
                byName[name] = entry
            }
        }
        self.entries = entries
        self.byName = byName
        self.leftOut = leftOut
    }

    /// The tool the model calls `name`.
    func entry(named name: String) -> Entry? {
        byName[name]
    }

    /// The catalog, as a `tool/catalog` carries it.
    var catalog: [ToolCatalogEntry] {
        entries.map { entry in
            ToolCatalogEntry(
                name: entry.name, description: entry.tool.description ?? entry.tool.title ?? "",
                parameters: MCPValues.json(entry.tool.inputSchema))
        }
    }
}
