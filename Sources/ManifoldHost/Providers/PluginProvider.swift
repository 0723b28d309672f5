import Logging
import Manifold
import ManifoldJSON
import ManifoldManifest

/// A plugin the host can run, however it runs it: what the plugin is, whether a config
/// suits it, and instances for nodes.
///
/// The graph validator and runner take any provider; a library loaded with `dlopen`
/// (`LoadedPlugin`, the `native` runtime) is one. A plugin manifest's `"runtime"` chooses the
/// provider, so a new way of running plugins (a child process, a remote server) is a new
/// conformance and a new runtime value, not a change to graphs or their runner.
public protocol PluginProvider: AnyObject, Sendable {
    /// What the plugin says about itself: name, kind, types, extensions, config schema.
    var descriptor: PluginDescriptor { get }
    /// The plugin's manifest, when it has one.
    var manifest: PluginManifest? { get }
    /// Where the plugin comes from, for messages (a library path, a command line).
    var location: String { get }

    /// Checks a node's config against the plugin's schema; an empty list means it is valid.
    /// Paths are relative to the config (`$.model`); values at `redactedPaths` (secrets from
    /// the environment) are never quoted.
    func validate(config: JSONValue, redacting redactedPaths: Set<String>) -> [SchemaViolation]

    /// An instance for `node`, as the node's generator. The config was validated.
    func generator(for node: String, config: JSONValue, logger: Logger) throws -> any Generator

    /// An instance for `node`, as one of its middleware. The config was validated.
    func middleware(for node: String, config: JSONValue, logger: Logger) throws -> any Middleware
}

/// A generator that can also emit on its own, without an input (`manifold.source`).
public protocol SourceGenerator: Generator {
    /// Its source, when the plugin offers one.
    var sourceRunner: (any SourceRunner)? { get }
}

/// The running side of a source: started once per run, stopped when the run stops.
public protocol SourceRunner: Sendable {
    /// Runs the source, handing each artifact it emits to `publish` and the problem with each
    /// it emitted malformed to `reject`, until it has finished; cancelling the calling task
    /// stops it (and still waits for it to finish).
    func run(
        publish: @escaping @Sendable (Artifact) async throws -> Void, reject: @escaping @Sendable (String) -> Void
    ) async throws
    /// Asks the source to stop; `run` returns once it has.
    func stop()
}

extension LoadedPlugin: PluginProvider {
    public var location: String { libraryPath }

    public func generator(for node: String, config: JSONValue, logger: Logger) throws -> any Generator {
        try makeGenerator(node: node, config: config, logger: logger)
    }

    public func middleware(for node: String, config: JSONValue, logger: Logger) throws -> any Middleware {
        try makeMiddleware(node: node, config: config, logger: logger)
    }
}

extension NativeGenerator: SourceGenerator {
    public var sourceRunner: (any SourceRunner)? { source }
}

extension NativeSource: SourceRunner {}

extension SourceRunner {
    /// Runs the source with nowhere to send the problems of malformed artifacts beyond the
    /// plugin's log and its count of plugin bugs (`NativeGenerator.pluginBugs`).
    public func run(publish: @escaping @Sendable (Artifact) async throws -> Void) async throws {
        try await run(publish: publish, reject: { _ in })
    }
}
