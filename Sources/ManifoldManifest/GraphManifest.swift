import Foundation
import Manifold
import ManifoldJSON

/// A graph described in one JSON file: plugin search paths, hub settings, named inputs and
/// outputs, and nodes (plugin, config, middleware chain, subscriptions, output topic).
///
/// ```json
/// { "manifold": 1, "name": "pipeline",
///   "plugins": ["../manifests/plugins"],
///   "hub": { "capacity": 1024, "policy": "block", "transport": "in-process" },
///   "inputs": { "prompt": { "topic": "input", "types": ["text/plain"] } },
///   "outputs": { "result": { "topic": "shouted", "types": ["text/*"] } },
///   "nodes": { "shout": { "plugin": "uppercase", "config": { "suffix": "!" },
///                         "middleware": [ { "plugin": "log" } ],
///                         "subscribe": ["input"], "output": "shouted" } } }
/// ```
///
/// Parsing checks the format and collects every error in one pass (`ManifestErrors`, sorted,
/// de-duplicated, each with file and JSON path); `checkTopology()` checks the wiring;
/// `resolvingEnvironment(_:)` substitutes `${NAME}` in configs. `manifests/schema/graph.schema.json`
/// describes the format for editors.
///
/// Names: node ids and input/output names use `[A-Za-z0-9_][A-Za-z0-9_-]*`, and one name may
/// not be used twice among nodes, inputs and outputs, so that every name in a message or on
/// a command line means one thing.
public struct GraphManifest: Sendable {
    /// The format versions (`manifold` key) this code reads.
    public static let supportedFormatVersions = [1]

    /// The manifest file, as given (or the name passed to `parse`).
    public let file: String
    /// The format version (`manifold`).
    public let formatVersion: Int
    /// The graph's name.
    public let name: String
    /// What the graph does.
    public let description: String?
    /// Folders to look for plugin manifests in, as absolute paths: each `plugins` entry
    /// resolved against the manifest's folder.
    public let pluginPaths: [String]
    /// Hub settings.
    public let hub: HubSettings
    /// Graph inputs, in the order written.
    public let inputs: [GraphPort]
    /// Graph outputs, in the order written.
    public let outputs: [GraphPort]
    /// The nodes, in the order written in the file when the manifest was read from text
    /// (`load`, `parse(data:file:)`); sorted by id when it was given as a `JSONValue`,
    /// whose objects keep no order.
    public internal(set) var nodes: [GraphNode]
    /// Whether cycles among nodes are allowed (agent/tool loops); default false.
    public let allowCycles: Bool
    /// Most node hops an artifact of one conversation may make (`maxHops`); see `hopLimit(of:)`.
    public let maxHops: Int?
    /// Every `${NAME}` reference in node and middleware configs.
    public let environmentReferences: [EnvironmentReference]
    /// JSON paths of the config strings that `resolvingEnvironment` filled from `${…}`
    /// references (from the environment or a default). Mask them when printing: see
    /// `redactedConfig(forNode:middleware:)`. Empty before resolution.
    public internal(set) var secretPaths: Set<String> = []
    /// Whether `resolvingEnvironment` produced this manifest.
    public internal(set) var isResolved = false
    /// `secretPaths` grouped by the config they are in (`$.nodes.ID.config`,
    /// `$.nodes.ID.middleware[i].config`), so that asking for one node's secrets does not
    /// read every node's. Set together with `secretPaths`.
    var secretPathsByConfig: [String: Set<String>] = [:]

    /// Position in `nodes` by id, and by name in `inputs` and `outputs`: a validator asks
    /// for each node once per edge, and a linear search each time made 10,000-node graphs
    /// quadratic. Node ids never change after parsing (resolution replaces configs only);
    /// `node(_:)` still checks the id it finds.
    private let nodePositions: [String: Int]
    private let inputPositions: [String: Int]
    private let outputPositions: [String: Int]

    init(
        file: String, formatVersion: Int, name: String, description: String?, pluginPaths: [String], hub: HubSettings,
        inputs: [GraphPort], outputs: [GraphPort], nodes: [GraphNode], allowCycles: Bool, maxHops: Int? = nil,
        environmentReferences: [EnvironmentReference]
    ) {
        self.maxHops = maxHops
        self.file = file
        self.formatVersion = formatVersion
        self.name = name
        self.description = description
        self.pluginPaths = pluginPaths
        self.hub = hub
        self.inputs = inputs
        self.outputs = outputs
        self.nodes = nodes
        self.allowCycles = allowCycles
        self.environmentReferences = environmentReferences
        // The first of a repeated name wins, as a search from the front would find it.
        nodePositions = Dictionary(nodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        inputPositions = Dictionary(inputs.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        outputPositions = Dictionary(outputs.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The node with this id.
    public func node(_ id: String) -> GraphNode? {
        guard let position = nodePositions[id] else { return nil }
        guard nodes.indices.contains(position), nodes[position].id == id else { return nodes.first { $0.id == id } }
        return nodes[position]
    }

    /// The graph input with this name.
    public func input(named name: String) -> GraphPort? {
        inputPositions[name].map { inputs[$0] }
    }

    /// The graph output with this name.
    public func output(named name: String) -> GraphPort? {
        outputPositions[name].map { outputs[$0] }
    }

    /// Reads and checks the graph manifest at `path`; nodes keep the file's order.
    ///
    /// - Throws: `ManifestErrors` with every problem found: a missing file, JSON syntax
    ///   (line and column), unknown, missing or duplicate keys, wrong types, invalid names,
    ///   topics, types, policies, and malformed `${…}` references.
    public static func load(from path: String) throws(ManifestErrors) -> GraphManifest {
        let source = try ManifestFile.read(path, kind: "graph manifest")
        let context = ManifestContext(file: path, keyOrder: source.keyOrder)
        ManifestFile.reportDuplicates(of: source, in: context)
        return try GraphManifestParser.parse(source.value, context: context)
    }

    /// Parses graph manifest text; `file` names it in errors and anchors relative plugin paths.
    public static func parse(data: Data, file: String) throws(ManifestErrors) -> GraphManifest {
        let source = try ManifestFile.parse(data, file: file)
        let context = ManifestContext(file: file, keyOrder: source.keyOrder)
        ManifestFile.reportDuplicates(of: source, in: context)
        return try GraphManifestParser.parse(source.value, context: context)
    }

    /// Checks a graph manifest given as a JSON value; nodes, inputs and outputs are sorted by name.
    public static func parse(_ json: JSONValue, file: String) throws(ManifestErrors) -> GraphManifest {
        try GraphManifestParser.parse(json, context: ManifestContext(file: file))
    }
}
