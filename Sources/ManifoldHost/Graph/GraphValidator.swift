import Foundation
import Logging
import Manifold
import ManifoldJSON
import ManifoldManifest

/// The outcome of checking a graph manifest: every error and warning, found in one pass,
/// and, when the manifest could be read, what is needed to build it.
public struct GraphValidation: Sendable {
    /// The manifest file.
    public let file: String
    /// The manifest, with `${VAR}` references resolved, when it parsed.
    public let manifest: GraphManifest?
    /// The plugin of each node and middleware that loaded, by plugin name.
    public let plugins: [String: any PluginProvider]
    /// Everything found, errors first, sorted and without duplicates.
    public let diagnostics: [GraphDiagnostic]

    /// The errors.
    public var errors: [GraphDiagnostic] { diagnostics.filter { $0.severity == .error } }
    /// The warnings.
    public var warnings: [GraphDiagnostic] { diagnostics.filter { $0.severity == .warning } }
    /// Whether the graph can be built and run.
    public var isValid: Bool { manifest != nil && errors.isEmpty }

    /// The provider of a node's generator: for a node isolated by the graph, the plugin as
    /// run in a worker process.
    public func provider(for node: GraphNode) -> (any PluginProvider)? {
        plugins[GraphValidator.providerKey(node.plugin, isolation: node.isolation)]
    }
}

/// How the validator finds out what a graph's plugins are.
public enum PluginResolution: Sendable {
    /// From their manifests alone: no library is loaded, so no plugin code runs. What
    /// `validate`, `graph` and `plugins` use, safe on a repository nobody checked.
    case manifestsOnly
    /// By loading their libraries into this process and checking each against its manifest:
    /// what a run needs, since it goes on to make instances.
    case loadLibraries
}

/// Checks a graph: manifest format, topology, plugins, node configs against their schemas,
/// node kinds, and the types of every edge. With `.manifestsOnly` no plugin code runs at all;
/// with `.loadLibraries` only the libraries' initialisers and descriptors do.
public enum GraphValidator {
    /// Where `GraphValidation.plugins` keeps a plugin: by name, and the isolated form of it
    /// under a key no plugin name can have.
    static func providerKey(_ name: String, isolation: NodeIsolation?) -> String {
        switch isolation {
        case .process: "process:" + name
        case .none?: "native:" + name
        case nil: name
        }
    }

    /// Validates the manifest at `path`.
    ///
    /// - Parameters:
    ///   - environment: values for `${NAME}` references; a missing one is an error when
    ///     `requireEnvironment` is true (running) and a warning otherwise (validating).
    ///   - loaderOptions: how plugins are found; the manifest's `plugins` paths come first.
    ///   - providers: plugins the embedding program offers by name (e.g. `InProcessPlugin`s);
    ///     they come before anything in the search paths.
    ///   - resolution: whether plugins are read from their manifests or loaded.
    ///   - isolatedNodes: nodes to run in a child process (`--isolate`).
    ///   - replicas: instances per node (`--replicas`), over the manifest's `replicas`.
    ///   - placedNodes: the nodes this process runs of a graph spread over several (`--only`);
    ///     every node when `nil`. The plugins of the others are not needed here: the process
    ///     that runs each checks it, and the run's port registry checks the edges between them
    ///     when they connect (`DistributedTypeCheck`).
    public static func validate(
        manifestAt path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        requireEnvironment: Bool = true, loaderOptions: PluginLoaderOptions = PluginLoaderOptions(),
        providers: [String: any PluginProvider] = [:], resolution: PluginResolution = .loadLibraries,
        isolating isolatedNodes: [String] = [], replicas: [String: Int] = [:], only placedNodes: [String]? = nil
    ) -> GraphValidation {
        var diagnostics = Set<GraphDiagnostic>()
        let raw: GraphManifest
        do {
            raw = try GraphManifest.load(from: path)
        } catch {
            for problem in error.errors { diagnostics.insert(diagnostic(problem, .error)) }
            return GraphValidation(file: path, manifest: nil, plugins: [:], diagnostics: diagnostics.sorted())
        }
        var manifest: GraphManifest
        do {
            manifest = try raw.resolvingEnvironment(environment)
        } catch {
            for problem in error.errors { diagnostics.insert(diagnostic(problem, requireEnvironment ? .error : .warning)) }
            manifest = (try? raw.resolvingEnvironment(environment, placeholderForMissing: "unset")) ?? raw
        }
        let (isolated, unknownNodes) = manifest.isolating(isolatedNodes)
        manifest = isolated
        for name in unknownNodes {
            diagnostics.insert(GraphDiagnostic(
                .error, file: path, path: "--isolate",
                message: "no node '\(name)' to isolate; the graph's nodes: \(manifest.nodes.map(\.id).joined(separator: ", "))",
                fix: (NameSuggestion.closest(to: name, among: manifest.nodes.map(\.id)).map { "did you mean '\($0)'? " } ?? "")
                    + "name a node of the graph, or \(GraphManifest.allNodes)"))
        }
        let (replicated, unknownReplicated) = manifest.replicating(replicas)
        manifest = replicated
        for node in manifest.nodes where node.instances.scope == .perCorrelation && replicas[node.id].map({ $0 > 1 }) == true {
            diagnostics.insert(GraphDiagnostic(
                .error, file: path, path: "--replicas",
                message: "node '\(node.id)' keeps one instance per conversation (\(node.path).instances) and cannot have replicas: they share inputs by load, not by conversation",
                fix: "drop \(node.id)=\(replicas[node.id] ?? 1) from --replicas, or set \"instances\": \"shared\" on the node"))
        }
        for (option, names) in [("--replicas", unknownReplicated), ("--only", (placedNodes ?? []).filter { name in !manifest.nodes.contains { $0.id == name } })] {
            for name in names {
                diagnostics.insert(GraphDiagnostic(
                    .error, file: path, path: option,
                    message: "no node '\(name)' in the graph; its nodes: \(manifest.nodes.map(\.id).joined(separator: ", "))",
                    fix: (NameSuggestion.closest(to: name, among: manifest.nodes.map(\.id)).map { "did you mean '\($0)'? " } ?? "")
                        + "name a node of the graph"))
            }
        }
        let topology = manifest.checkTopology()
        for error in topology.errors { diagnostics.insert(diagnostic(error, .error)) }
        for warning in topology.warnings { diagnostics.insert(diagnostic(warning, .warning)) }

        var options = loaderOptions
        // A folder named twice (the graph's and the checkout's manifests) is searched once.
        var seenFolders = Set<String>()
        options.searchPaths = (manifest.pluginPaths + loaderOptions.searchPaths).filter {
            seenFolders.insert(PluginLoader.absolute($0)).inserted
        }
        let loader = PluginLoader(options: options)
        // Only the plugins the graph names: `GraphValidation.plugins` describes the graph (a
        // journal records them), not everything the embedding program offers.
        var plugins: [String: any PluginProvider] = [:]
        // A plugin that cannot be had is looked for once, and its error reported at every
        // place that names it: thousands of nodes naming a missing plugin cost one search.
        var failures: [String: (problem: String, fix: String?)] = [:]
        func plugin(_ name: String, at jsonPath: String, isolation: NodeIsolation? = nil) -> (any PluginProvider)? {
            let key = providerKey(name, isolation: isolation)
            if let loaded = plugins[key] { return loaded }
            // A plugin of the embedding program has no library to run elsewhere.
            if let embedded = providers[name] {
                plugins[key] = embedded
                return embedded
            }
            if let failure = failures[name] {
                diagnostics.insert(GraphDiagnostic(.error, file: path, path: jsonPath, message: failure.problem, fix: failure.fix))
                return nil
            }
            do {
                let loaded: any PluginProvider
                switch resolution {
                case .manifestsOnly: loaded = try loader.describe(named: name)
                case .loadLibraries:
                    switch isolation {
                    case .process: loaded = try loader.isolatedProvider(named: name)
                    case .none?: loaded = try loader.load(named: name)
                    case nil: loaded = try loader.provider(named: name)
                    }
                }
                plugins[key] = loaded
                return loaded
            } catch let error as PluginLoadError {
                failures[name] = (error.problem, error.fix)
            } catch {
                failures[name] = ("\(error)", nil)
            }
            return plugin(name, at: jsonPath, isolation: isolation)
        }

        let placed = placedNodes.map(Set.init)
        for node in manifest.nodes where placed?.contains(node.id) ?? true {
            let nodePath = "$.nodes.\(node.id)"
            if let generator = plugin(node.plugin, at: "\(nodePath).plugin", isolation: node.isolation) {
                checkKind(generator, expected: .generator, file: path, at: "\(nodePath).plugin", into: &diagnostics)
                checkConfig(
                    node.config, of: generator, secrets: manifest.configSecretPaths(forNode: node.id), file: path,
                    at: "\(nodePath).config", into: &diagnostics)
                checkSubscriptions(node, generator, file: path, into: &diagnostics)
                if node.instances.scope == .perCorrelation && generator.descriptor.extensions.contains(PluginExtension.source.rawValue) {
                    diagnostics.insert(GraphDiagnostic(
                        .error, file: path, path: "\(nodePath).instances",
                        message: "plugin '\(generator.descriptor.name)' is a source: it emits on its own, for no conversation, so it cannot have one instance per conversation",
                        fix: "remove \"instances\" from the node"))
                }
                if node.concurrency > 1 && !generator.descriptor.allowsConcurrentProcessing {
                    diagnostics.insert(GraphDiagnostic(
                        .error, file: path, path: "\(nodePath).concurrency",
                        message: "plugin '\(generator.descriptor.name)' processes one input at a time per instance, but the node asks for \(node.concurrency)",
                        fix: "set concurrency to 1, or use a plugin built with MANIFOLD_PLUGIN_FLAG_CONCURRENT"))
                }
                for (index, layer) in node.middleware.enumerated() {
                    let layerPath = "\(nodePath).middleware[\(index)]"
                    guard let middleware = plugin(layer.plugin, at: "\(layerPath).plugin") else { continue }
                    checkKind(middleware, expected: .middleware, file: path, at: "\(layerPath).plugin", into: &diagnostics)
                    checkConfig(
                        layer.config, of: middleware, secrets: manifest.configSecretPaths(forNode: node.id, middleware: index),
                        file: path, at: "\(layerPath).config", into: &diagnostics)
                    if !middleware.descriptor.inputs.intersects(generator.descriptor.inputs) {
                        diagnostics.insert(GraphDiagnostic(
                            .error, file: path, path: layerPath,
                            message: "middleware '\(layer.plugin)' handles \(middleware.descriptor.inputs) but node '\(node.id)' takes \(generator.descriptor.inputs)",
                            fix: "use a middleware that handles the node's input types"))
                    }
                }
            } else {
                for (index, layer) in node.middleware.enumerated() {
                    _ = plugin(layer.plugin, at: "$.nodes.\(node.id).middleware[\(index)].plugin")
                }
            }
        }
        checkEdgeTypes(manifest, plugins: plugins, placed: placed, file: path, into: &diagnostics)
        return GraphValidation(file: path, manifest: manifest, plugins: plugins, diagnostics: diagnostics.sorted())
    }

    private static func diagnostic(_ error: ManifestError, _ severity: GraphDiagnostic.Severity) -> GraphDiagnostic {
        GraphDiagnostic(severity, file: error.file, path: error.jsonPath, message: error.message, fix: error.fix)
    }

    private static func checkKind(
        _ plugin: any PluginProvider, expected: PluginKind, file: String, at path: String, into diagnostics: inout Set<GraphDiagnostic>
    ) {
        guard plugin.descriptor.kind != expected else { return }
        diagnostics.insert(GraphDiagnostic(
            .error, file: file, path: path,
            message: "plugin '\(plugin.descriptor.name)' is a \(plugin.descriptor.kind), not a \(expected)",
            fix: expected == .middleware
                ? "list generators as a node's \"plugin\", not in its \"middleware\""
                : "list middleware in a node's \"middleware\", not as its \"plugin\""))
    }

    /// A node must subscribe to something unless its plugin is a source, and a source needs
    /// an output topic for what it emits.
    private static func checkSubscriptions(
        _ node: GraphNode, _ plugin: any PluginProvider, file: String, into diagnostics: inout Set<GraphDiagnostic>
    ) {
        let isSource = plugin.descriptor.extensions.contains(PluginExtension.source.rawValue)
        if node.subscribe.isEmpty && !isSource {
            diagnostics.insert(GraphDiagnostic(
                .error, file: file, path: "\(node.path).subscribe",
                message: "the node subscribes to nothing, and plugin '\(plugin.descriptor.name)' is no source (manifold.source), so it would never receive an input",
                fix: "list at least one topic or pattern, e.g. \"subscribe\": [\"input\"]"))
        }
        if isSource && node.output == nil {
            diagnostics.insert(GraphDiagnostic(
                .error, file: file, path: "\(node.path).output",
                message: "plugin '\(plugin.descriptor.name)' is a source: what it emits needs a topic, and the node has no output",
                fix: "add \"output\": \"<topic>\" to the node"))
        }
    }

    /// A config must pass the plugin's schema (errors), and each setting the schema marks with
    /// `x-manifold-warning` that the config turns on is a warning. Only the schema is read: no
    /// plugin code runs.
    private static func checkConfig(
        _ config: JSONValue, of plugin: any PluginProvider, secrets: Set<String>, file: String, at path: String,
        into diagnostics: inout Set<GraphDiagnostic>
    ) {
        let seeSchema = "see the config schema with `manifold inspect \(plugin.manifest?.file ?? plugin.location)`"
        for violation in plugin.validate(config: config, redacting: secrets) {
            // A message the schema's author wrote (x-manifold-message) says its own fix.
            let authored = violation.keyword == SchemaKeyword.message
            diagnostics.insert(GraphDiagnostic(
                .error, file: file, path: path + violation.path.dropFirst(), message: violation.message,
                fix: authored ? nil : seeSchema))
        }
        for warning in configSchema(of: plugin)?.warnings(for: config, redacting: secrets) ?? [] {
            diagnostics.insert(GraphDiagnostic(.warning, file: file, path: path + warning.path.dropFirst(), message: warning.message))
        }
    }

    /// The schema a plugin's configs are checked against: its manifest's when it has one (what
    /// `validate` trusts without running plugin code), else the one its descriptor states.
    /// A schema that does not parse gives no warnings; `validate(config:)` reports it.
    private static func configSchema(of plugin: any PluginProvider) -> JSONSchema? {
        if let manifest = plugin.manifest, manifest.configSchema != nil { return manifest.parsedConfigSchema }
        guard let text = plugin.descriptor.configSchema, let source = try? JSONValue(parsing: text) else { return nil }
        return try? JSONSchema(source)
    }

    /// What producers emit on each topic must meet what its consumers accept; edges to a node
    /// not `placed` here are left to the run's port registry.
    private static func checkEdgeTypes(
        _ manifest: GraphManifest, plugins: [String: any PluginProvider], placed: Set<String>?, file: String,
        into diagnostics: inout Set<GraphDiagnostic>
    ) {
        // By-name lookups (indexed in `GraphManifest`): this runs twice per edge.
        func types(of end: GraphEdge.End, producing: Bool) -> (name: String, types: ArtifactTypeSet)? {
            switch end {
            case .input(let name):
                guard let input = manifest.input(named: name) else { return nil }
                return ("graph input '\(name)'", input.types)
            case .output(let name):
                guard let output = manifest.output(named: name) else { return nil }
                return ("graph output '\(name)'", output.types)
            case .node(let id):
                guard placed?.contains(id) ?? true, let node = manifest.node(id), let plugin = plugins[node.plugin],
                    plugin.descriptor.kind == .generator
                else { return nil }
                return ("node '\(id)'", producing ? plugin.descriptor.outputs : plugin.descriptor.inputs)
            }
        }
        for edge in manifest.edges() {
            guard let producer = types(of: edge.producer, producing: true), let consumer = types(of: edge.consumer, producing: false)
            else { continue }
            if !producer.types.intersects(consumer.types) {
                diagnostics.insert(GraphDiagnostic(
                    .error, file: file, path: edge.consumerPath,
                    message: "type mismatch on topic '\(edge.topic)': \(producer.name) (\(edge.producerPath)) emits \(producer.types) "
                        + "but \(consumer.name) accepts \(consumer.types)",
                    fix: "make the types meet, or put a converting node between them"))
            }
        }
    }
}
