import Foundation
import Manifold
import ManifoldJSON

/// Checks a graph manifest's JSON and builds a `GraphManifest`, collecting every error.
enum GraphManifestParser {
    static let keys = ["$schema", "manifold", "name", "description", "plugins", "hub", "inputs", "outputs", "allowCycles", "maxHops", "nodes"]
    static let hubKeys = ["capacity", "policy", "transport", "ackWaitSeconds", "maxDeliver"]
    static let portKeys = ["topic", "types", "description"]
    static let nodeKeys = [
        "plugin", "config", "middleware", "subscribe", "output", "concurrency", "errorPolicy", "capacity", "policy", "description",
        "isolation", "limits", "restart", "inputTimeoutSeconds", "replicas", "instances", "instanceIdleSeconds", "maxInstances",
        "maxHops",
    ]
    static let limitKeys = ["memoryMiB", "cpuSeconds", "openFiles"]
    static let restartKeys = ["maxRestarts", "withinSeconds", "retries"]
    static let middlewareKeys = ["plugin", "config"]

    static func parse(_ json: JSONValue, context: ManifestContext) throws(ManifestErrors) -> GraphManifest {
        guard let reader = JSONObjectReader(json, at: JSONPath.root, what: "the graph manifest", allowedKeys: keys, context: context) else {
            throw ManifestErrors(context.errors)
        }
        _ = reader.string("$schema")
        let version = reader.integer("manifold", required: true, example: "1")
        if let version, !GraphManifest.supportedFormatVersions.contains(version) {
            context.error(
                reader.path("manifold"), "graph manifest format \(version) is not supported; this Manifold reads format 1",
                fix: "write \"manifold\": 1, or upgrade Manifold")
        }
        let name = reader.string("name", required: true, example: "\"my-graph\"")
        let description = reader.string("description", nonEmpty: false)
        let pluginPaths = parsePluginPaths(reader, context: context)
        let hub = parseHub(reader, context: context)
        let inputs = parsePorts("inputs", .input, reader, context: context)
        let outputs = parsePorts("outputs", .output, reader, context: context)
        let allowCycles = reader.bool("allowCycles") ?? false
        let maxHops = reader.integer("maxHops", minimum: 1, example: "100")
        var references: [EnvironmentReference] = []
        let nodes = parseNodes(reader, references: &references, context: context)
        checkNameClashes(inputs: inputs, outputs: outputs, nodes: nodes, context: context)

        try context.throwIfFailed()
        guard let version, let name else {
            throw ManifestErrors([ManifestError(file: context.file, jsonPath: JSONPath.root, message: "the manifest is incomplete")])
        }
        return GraphManifest(
            file: context.file, formatVersion: version, name: name, description: description, pluginPaths: pluginPaths, hub: hub,
            inputs: inputs, outputs: outputs, nodes: nodes, allowCycles: allowCycles, maxHops: maxHops,
            environmentReferences: references)
    }

    // MARK: Top level

    /// `plugins`, each resolved against the manifest's folder.
    private static func parsePluginPaths(_ reader: JSONObjectReader, context: ManifestContext) -> [String] {
        guard let entries = reader.strings("plugins", example: "[\"plugins\"]") else { return [] }
        let manifestFolder = (absolute(context.file) as NSString).deletingLastPathComponent
        var paths: [String] = []
        for (text, path) in entries {
            guard !text.isEmpty else {
                context.error(path, "a plugin search path must not be empty", fix: "write a folder, e.g. \"plugins\" or \".\"")
                continue
            }
            let resolved = text.hasPrefix("/") ? text : (manifestFolder as NSString).appendingPathComponent(text)
            let standardized = (resolved as NSString).standardizingPath
            if !paths.contains(standardized) { paths.append(standardized) }
        }
        return paths
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    private static func parseHub(_ root: JSONObjectReader, context: ManifestContext) -> HubSettings {
        let defaults = HubSettings()
        guard let value = root.value("hub"),
            let reader = JSONObjectReader(value, at: root.path("hub"), what: "the hub settings", allowedKeys: hubKeys, context: context)
        else { return defaults }
        let capacity = reader.integer("capacity", minimum: 1, example: "1024") ?? defaults.capacity
        let policy = reader.choice("policy", BackpressurePolicy.self, what: "backpressure policy") ?? defaults.policy
        var transport = defaults.transport
        if let text = reader.string("transport", example: "\"in-process\"") {
            if text == "in-process" {
                transport = .inProcess
            } else if text.hasPrefix("nats://") || text.hasPrefix("tls://") {
                transport = .nats(text)
            } else {
                context.error(
                    reader.path("transport"),
                    "transport \(NameRules.quoted(text)) is not supported; this Manifold supports \"in-process\" and NATS servers (nats://HOST:PORT, or tls://HOST:PORT)",
                    fix: "use \"in-process\" (or remove the key), or a NATS server's URL such as \"nats://127.0.0.1:4222\"")
            }
        }
        let ackWait = reader.number("ackWaitSeconds", exclusiveMinimum: 0, maximum: 86_400, example: "30") ?? defaults.ackWaitSeconds
        let maxDeliver = reader.integer("maxDeliver", minimum: 1, example: "5") ?? defaults.maxDeliver
        return HubSettings(capacity: capacity, policy: policy, transport: transport, ackWaitSeconds: ackWait, maxDeliver: maxDeliver)
    }

    // MARK: Inputs and outputs

    private static func parsePorts(
        _ key: String, _ direction: GraphPort.Direction, _ root: JSONObjectReader, context: ManifestContext
    ) -> [GraphPort] {
        guard let entries = root.object(key, example: "{ \"prompt\": { \"topic\": \"input\", \"types\": [\"text/plain\"] } }") else { return [] }
        let what = direction == .input ? "graph input" : "graph output"
        var ports: [GraphPort] = []
        for (name, value) in entries {
            let path = JSONPath.appending(name, to: root.path(key))
            if let problem = NameRules.identifierProblem(name, what: "\(what) name") {
                context.error(path, problem, fix: "rename it, e.g. \"prompt\"")
            }
            guard let reader = JSONObjectReader(value, at: path, what: "a \(what)", allowedKeys: portKeys, context: context) else { continue }
            let topic = parseTopic(reader, key: "topic", required: true, forbidSystem: direction == .input, context: context)
            var types = ArtifactTypeSet.any
            if let items = reader.strings("types", example: "[\"text/plain\"]") {
                if reader.members["types"]?.arrayValue?.isEmpty == true {
                    context.error(reader.path("types"), "declares no types", fix: "list at least one type, or remove the key to allow any (\"*/*\")")
                } else {
                    types = PluginManifestParser.parseTypes(items, context: context)
                }
            }
            let description = reader.string("description", nonEmpty: false)
            if let topic {
                ports.append(GraphPort(direction: direction, name: name, topic: topic, types: types, description: description))
            }
        }
        return ports
    }

    // MARK: Nodes

    private static func parseNodes(
        _ root: JSONObjectReader, references: inout [EnvironmentReference], context: ManifestContext
    ) -> [GraphNode] {
        guard let entries = root.object("nodes", required: true, example: "{ \"shout\": { \"plugin\": \"uppercase\", \"subscribe\": [\"input\"] } }")
        else { return [] }
        if entries.isEmpty {
            context.error(root.path("nodes"), "the graph has no nodes", fix: "add a node, e.g. \"shout\": { \"plugin\": \"uppercase\", \"subscribe\": [\"input\"] }")
        }
        var nodes: [GraphNode] = []
        for (id, value) in entries {
            let path = JSONPath.appending(id, to: root.path("nodes"))
            if let problem = NameRules.identifierProblem(id, what: "node id") {
                context.error(path, problem, fix: "rename the node, e.g. \"coder\" or \"step-1\"")
            }
            guard let reader = JSONObjectReader(value, at: path, what: "a node", allowedKeys: nodeKeys, context: context) else { continue }
            if let node = parseNode(id: id, reader, references: &references, context: context) { nodes.append(node) }
        }
        return nodes
    }

    private static func parseNode(
        id: String, _ reader: JSONObjectReader, references: inout [EnvironmentReference], context: ManifestContext
    ) -> GraphNode? {
        let plugin = parsePluginName(reader, context: context)
        let config = reader.value("config") ?? .object([:])
        references += EnvironmentSubstitution.references(in: config, at: reader.path("config"), context: context)
        let middleware = parseMiddleware(reader, references: &references, context: context)
        var subscriptions: [TopicPattern] = []
        // No subscriptions is valid for a source plugin (manifold.source), which emits on its
        // own; whether the node's plugin is one is checked where plugins are known.
        if let items = reader.strings("subscribe", example: "[\"input\"]") {
            for (text, path) in items {
                do {
                    subscriptions.append(try TopicPattern(text))
                } catch {
                    context.error(path, "\(error)")
                }
            }
        }
        let output = parseTopic(reader, key: "output", required: false, forbidSystem: true, context: context)
        let concurrency = reader.integer("concurrency", minimum: 1, example: "1") ?? 1
        let replicas = reader.integer("replicas", minimum: 1, example: "2") ?? 1
        let errorPolicy = reader.choice("errorPolicy", options: [ErrorPolicy.continue, .stop], what: "error policy") ?? .continue
        let capacity = reader.integer("capacity", minimum: 1, example: "64")
        let policy = reader.choice("policy", BackpressurePolicy.self, what: "backpressure policy")
        let description = reader.string("description", nonEmpty: false)
        let isolation = reader.choice("isolation", NodeIsolation.self, what: "isolation")
        let limits = parseLimits(reader, context: context)
        let restart = parseRestart(reader, context: context)
        // Up to a day: a longer limit is no limit, and a Duration of it cannot overflow.
        let inputTimeout = reader.number("inputTimeoutSeconds", exclusiveMinimum: 0, maximum: 86_400, example: "30")
        if isolation != .process {
            for key in ["limits", "restart"] where reader.members[key] != nil {
                context.error(
                    reader.path(key), "'\(key)' applies only to a node whose plugin runs in a worker process",
                    fix: "add \"isolation\": \"process\" to the node, or remove '\(key)'")
            }
        }
        let instances = parseInstances(reader, concurrency: concurrency, replicas: replicas, context: context)
        let maxHops = reader.integer("maxHops", minimum: 1, example: "20")
        guard let plugin else { return nil }
        return GraphNode(
            id: id, plugin: plugin, config: config, middleware: middleware, subscribe: subscriptions, output: output,
            concurrency: concurrency, errorPolicy: errorPolicy, capacity: capacity, policy: policy, description: description,
            isolation: isolation, limits: limits, restart: restart ?? .default, inputTimeoutSeconds: inputTimeout,
            replicas: replicas, instances: instances, maxHops: maxHops)
    }

    /// `instances` with its `instanceIdleSeconds` and `maxInstances`, which mean something only
    /// per correlation; a cap below the node's concurrency could leave an input no instance.
    private static func parseInstances(
        _ node: JSONObjectReader, concurrency: Int, replicas: Int, context: ManifestContext
    ) -> NodeInstances {
        let scope = node.choice("instances", InstanceScope.self, what: "instance scope") ?? .shared
        // Up to a day, like inputTimeoutSeconds: a Duration of it cannot overflow.
        let idle = node.number("instanceIdleSeconds", exclusiveMinimum: 0, maximum: 86_400, example: "600")
        let maximum = node.integer("maxInstances", minimum: 1, example: "1000")
        guard scope == .perCorrelation else {
            for key in ["instanceIdleSeconds", "maxInstances"] where node.members[key] != nil {
                context.error(
                    node.path(key), "'\(key)' applies only to a node with one instance per conversation",
                    fix: "add \"instances\": \"per-correlation\" to the node, or remove '\(key)'")
            }
            return .shared
        }
        if replicas > 1 {
            context.error(
                node.path("replicas"),
                "a node with one instance per conversation cannot have replicas: they share inputs by load, not by conversation, so one conversation's state would be split between them",
                fix: "remove \"replicas\" (or set it to 1), or use \"instances\": \"shared\"")
        }
        let settings = NodeInstances(
            scope: .perCorrelation, idleSeconds: idle ?? NodeInstances.defaultIdleSeconds, maximum: maximum ?? NodeInstances.defaultMaximum)
        if settings.maximum < concurrency {
            context.error(
                node.path("maxInstances"),
                "maxInstances \(settings.maximum) is below the node's concurrency \(concurrency): an input could find every instance busy",
                fix: "raise maxInstances to at least \(concurrency), or lower concurrency")
        }
        return settings
    }

    private static func parseLimits(_ node: JSONObjectReader, context: ManifestContext) -> ResourceLimits? {
        guard let value = node.value("limits") else { return nil }
        guard let reader = JSONObjectReader(value, at: node.path("limits"), what: "the worker's limits", allowedKeys: limitKeys, context: context)
        else { return nil }
        let limits = ResourceLimits(
            memoryMiB: reader.integer("memoryMiB", minimum: 16, example: "512"),
            cpuSeconds: reader.integer("cpuSeconds", minimum: 1, example: "60"),
            openFiles: reader.integer("openFiles", minimum: 16, example: "256"))
        return limits.isEmpty ? nil : limits
    }

    private static func parseRestart(_ node: JSONObjectReader, context: ManifestContext) -> RestartPolicy? {
        guard let value = node.value("restart") else { return nil }
        guard let reader = JSONObjectReader(value, at: node.path("restart"), what: "the restart policy", allowedKeys: restartKeys, context: context)
        else { return nil }
        let defaults = RestartPolicy.default
        return RestartPolicy(
            maxRestarts: reader.integer("maxRestarts", minimum: 0, example: "5") ?? defaults.maxRestarts,
            withinSeconds: reader.number("withinSeconds", exclusiveMinimum: 0, maximum: 86_400, example: "60") ?? defaults.withinSeconds,
            retries: reader.integer("retries", minimum: 0, example: "1") ?? defaults.retries)
    }

    private static func parseMiddleware(
        _ node: JSONObjectReader, references: inout [EnvironmentReference], context: ManifestContext
    ) -> [GraphMiddleware] {
        guard let items = node.array("middleware", example: "[ { \"plugin\": \"log\" } ]") else { return [] }
        var layers: [GraphMiddleware] = []
        for (index, item) in items.enumerated() {
            let path = JSONPath.appending(index: index, to: node.path("middleware"))
            guard let reader = JSONObjectReader(item, at: path, what: "a middleware layer", allowedKeys: middlewareKeys, context: context) else {
                continue
            }
            let plugin = parsePluginName(reader, context: context)
            let config = reader.value("config") ?? .object([:])
            references += EnvironmentSubstitution.references(in: config, at: reader.path("config"), context: context)
            if let plugin { layers.append(GraphMiddleware(plugin: plugin, config: config)) }
        }
        return layers
    }

    private static func parsePluginName(_ reader: JSONObjectReader, context: ManifestContext) -> String? {
        guard let plugin = reader.string("plugin", required: true, example: "\"uppercase\"") else { return nil }
        if let problem = NameRules.pluginNameProblem(plugin) {
            context.error(reader.path("plugin"), problem, fix: "use the \"name\" from the plugin's manifest")
            return nil
        }
        return plugin
    }

    /// A concrete topic; graph inputs and node outputs may not publish to `$` system topics.
    private static func parseTopic(
        _ reader: JSONObjectReader, key: String, required: Bool, forbidSystem: Bool, context: ManifestContext
    ) -> Topic? {
        guard let text = reader.string(key, required: required, nonEmpty: false, example: "\"input\"") else { return nil }
        do {
            let topic = try Topic(text)
            if forbidSystem && topic.isSystem {
                context.error(
                    reader.path(key), "'\(text)' is a system topic of the hub; nodes and graph inputs publish to ordinary topics",
                    fix: "choose a name that does not start with '$'")
                return nil
            }
            return topic
        } catch {
            context.error(reader.path(key), "\(error)")
            return nil
        }
    }

    // MARK: Names

    /// Node ids, input names and output names must be distinct from each other.
    private static func checkNameClashes(inputs: [GraphPort], outputs: [GraphPort], nodes: [GraphNode], context: ManifestContext) {
        let inputNames = Set(inputs.map(\.name))
        for output in outputs where inputNames.contains(output.name) {
            context.error(
                output.path, "graph output '\(output.name)' has the same name as a graph input",
                fix: "rename one of them: names of inputs, outputs and nodes must be distinct")
        }
        let portNames = inputNames.union(outputs.map(\.name))
        for node in nodes where portNames.contains(node.id) {
            context.error(
                node.path, "node id '\(node.id)' is also the name of a graph \(inputNames.contains(node.id) ? "input" : "output")",
                fix: "rename one of them: names of inputs, outputs and nodes must be distinct")
        }
    }
}
