import Foundation
import Logging
import Manifold
import ManifoldJSON
import ManifoldManifest

/// A plugin whose nodes each run in a supervised worker process (`"isolation": "process"` on
/// a node, `--isolate`, or `"runtime": "process"` in its manifest).
///
/// The host reads the plugin from its manifest only and runs none of its code: the worker
/// loads the library, with the same checks as the host would and pinned to the digest the
/// host read, and checks the compiled descriptor against the manifest. A node's types and
/// config are checked in the host exactly as for an in-process node.
public final class ProcessPlugin: PluginProvider {
    public var descriptor: PluginDescriptor { described.descriptor }
    public var manifest: PluginManifest? { described.manifest }
    public var location: String { described.location }
    private let described: ManifestPlugin
    private let manifestFile: String
    private let options: PluginLoaderOptions

    /// The plugin `described` from the manifest at `manifestFile`, run with `options`.
    public init(described: ManifestPlugin, manifestFile: String, options: PluginLoaderOptions) {
        self.described = described
        self.manifestFile = manifestFile
        self.options = options
    }

    public func validate(config: JSONValue, redacting redactedPaths: Set<String>) -> [SchemaViolation] {
        described.validate(config: config, redacting: redactedPaths)
    }

    /// Starts a worker for `node` and waits until it has made the plugin's instance.
    ///
    /// - Throws: `PluginLoadError` when the plugin cannot run isolated (a middleware) or the worker cannot load it or make the instance (with the worker's reason).
    public func isolatedGenerator(for node: GraphNode, logger: Logger) async throws -> IsolatedGenerator {
        if descriptor.kind != .generator {
            throw PluginLoadError(
                file: manifestFile, kind: .manifestMismatch,
                problem: "plugin '\(descriptor.name)' is a \(descriptor.kind); only a node's generator can run in a worker process",
                fix: "list it in the node's middleware, which runs in the host, and remove \"runtime\": \"process\" from its manifest")
        }
        let opening = WorkerOpening(
            manifest: manifestFile, plugin: descriptor.name, sha256: described.sha256, node: node.id, config: node.config.jsonText,
            allowInsecurePermissions: options.allowInsecurePermissions, logLevel: logger.logLevel.rawValue,
            memoryMiB: node.limits?.memoryMiB, cpuSeconds: node.limits?.cpuSeconds, openFiles: node.limits?.openFiles,
            concurrency: node.concurrency)
        let supervisor = WorkerSupervisor(
            node: node.id, plugin: descriptor.name, opening: opening, policy: node.restart, settings: options.isolation, logger: logger)
        try await supervisor.start(file: manifestFile)
        return IsolatedGenerator(
            ports: PortTypes(inputs: descriptor.inputs, outputs: descriptor.outputs), supervisor: supervisor,
            isSource: descriptor.extensions.contains(PluginExtension.source.rawValue))
    }

    public func generator(for node: String, config: JSONValue, logger: Logger) throws -> any Generator {
        throw PluginLoadError(
            file: manifestFile, kind: .openFailed,
            problem: "plugin '\(descriptor.name)' runs in a worker process; node '\(node)' must be made with isolatedGenerator(for:logger:)",
            fix: "build the graph with GraphRun, which starts isolated nodes' workers")
    }

    public func middleware(for node: String, config: JSONValue, logger: Logger) throws -> any Middleware {
        throw PluginLoadError(
            file: manifestFile, kind: .manifestMismatch,
            problem: "middleware '\(descriptor.name)' of node '\(node)' has \"runtime\": \"process\", but middleware runs in the host",
            fix: "remove \"runtime\": \"process\" from the middleware's manifest; isolate the node's generator instead")
    }
}
