import Logging
import Manifold
import ManifoldJSON
import ManifoldManifest

/// A plugin known only from its manifest: enough to validate and draw a graph, list and
/// inspect plugins, without loading the library, so none of its code runs.
///
/// Making instances is refused: a graph runs with the providers of its runtime
/// (`PluginLoader.provider(named:)`).
public final class ManifestPlugin: PluginProvider {
    public let descriptor: PluginDescriptor
    /// The manifest the plugin is described by (never `nil`).
    public let manifest: PluginManifest?
    /// The library the manifest names, resolved (it exists and passed every check that
    /// reads it without running it).
    public let location: String
    /// SHA-256 of the library file as it was read, lowercase hex.
    public let sha256: String

    /// Describes the plugin `manifest` declares, whose library is at `libraryPath` with
    /// digest `sha256`.
    public init(manifest: PluginManifest, libraryPath: String, sha256: String) {
        self.manifest = manifest
        self.location = libraryPath
        self.sha256 = sha256
        self.descriptor = PluginDescriptor(declaredBy: manifest)
    }

    public func validate(config: JSONValue, redacting redactedPaths: Set<String>) -> [SchemaViolation] {
        manifest?.validate(config: config, redacting: redactedPaths) ?? []
    }

    public func generator(for node: String, config: JSONValue, logger: Logger) throws -> any Generator {
        throw notLoaded(node)
    }

    public func middleware(for node: String, config: JSONValue, logger: Logger) throws -> any Middleware {
        throw notLoaded(node)
    }

    private func notLoaded(_ node: String) -> PluginLoadError {
        PluginLoadError(
            file: location, kind: .openFailed,
            problem: "plugin '\(descriptor.name)' for node '\(node)' was read from its manifest only; its library was not loaded",
            fix: "load plugins with PluginLoader.provider(named:) to run a graph")
    }
}

extension PluginDescriptor {
    /// What a manifest declares, in the shape of a compiled descriptor.
    public init(declaredBy manifest: PluginManifest) {
        self.init(
            name: manifest.name, version: manifest.version, summary: manifest.description, kind: manifest.kind,
            abi: manifest.abi, structSize: 0, allowsConcurrentProcessing: manifest.allowsConcurrentProcessing,
            inputs: manifest.inputs, outputs: manifest.outputs,
            configSchema: manifest.configSchema.map { String(decoding: $0.serialized(), as: UTF8.self) },
            extensions: manifest.extensions ?? [])
    }
}
