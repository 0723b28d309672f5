import CManifoldABI
import Foundation
import Logging
import Manifold
import ManifoldJSON
import ManifoldManifest

/// One plugin of a loaded library, checked against its manifest: ready to make instances.
public final class LoadedPlugin: @unchecked Sendable {
    /// The library the plugin lives in.
    public let library: LoadedLibrary
    /// What the compiled plugin says about itself.
    public let descriptor: PluginDescriptor
    /// The manifest beside the library, when there is one.
    public let manifest: PluginManifest?
    let vtable: UnsafePointer<manifold_plugin>
    /// The config schema (the manifest's, else the library's), parsed once.
    private let configSchema: Result<JSONSchema, SchemaError>?

    /// The library's path as resolved.
    public var libraryPath: String { library.path }
    /// SHA-256 of the library file, lowercase hex.
    public var sha256: String { library.sha256 }

    init(library: LoadedLibrary, descriptor: PluginDescriptor, manifest: PluginManifest?, vtable: UnsafePointer<manifold_plugin>) {
        self.library = library
        self.descriptor = descriptor
        self.manifest = manifest
        self.vtable = vtable
        let source = manifest?.configSchema ?? descriptor.configSchema.flatMap { try? JSONValue(parsing: $0) }
        self.configSchema = source.map { source in Result { () throws(SchemaError) in try JSONSchema(source) } }
    }

    /// Checks a node's config against the plugin's schema; an empty list means it is valid.
    /// Paths are relative to the config (`$.model`).
    ///
    /// - Parameter redactedPaths: config paths whose values came from the environment
    ///   (secrets): a violation there never quotes the value.
    public func validate(config: JSONValue, redacting redactedPaths: Set<String> = []) -> [SchemaViolation] {
        switch configSchema {
        case nil:
            return []
        case .success(let schema)?:
            return schema.validate(config, redacting: redactedPaths)
        case .failure(let error)?:
            return [SchemaViolation(
                path: "$", keyword: "$schema",
                message: "the plugin's own config schema is invalid (\(error)); report it to the plugin's author")]
        }
    }

    /// A plugin extension's C struct, when the plugin offers it.
    func extensionStruct(_ id: PluginExtension) -> UnsafeRawPointer? {
        guard descriptor.extensions.contains(id.rawValue), let getExtension = vtable.pointee.get_extension else { return nil }
        return id.rawValue.withCString { getExtension(vtable, $0) }
    }

    // MARK: Instances

    /// Makes a generator instance for `node` with `config` (already validated).
    public func makeGenerator(node: String, config: JSONValue, logger: Logger) throws -> NativeGenerator {
        try requireKind(.generator, node: node)
        return NativeGenerator(instance: try NativeInstance(plugin: self, node: node, config: config, logger: logger))
    }

    /// Makes a middleware instance for `node` with `config` (already validated).
    public func makeMiddleware(node: String, config: JSONValue, logger: Logger) throws -> NativeMiddleware {
        try requireKind(.middleware, node: node)
        return NativeMiddleware(instance: try NativeInstance(plugin: self, node: node, config: config, logger: logger))
    }

    private func requireKind(_ kind: PluginKind, node: String) throws {
        guard descriptor.kind == kind else {
            throw PluginLoadError(
                file: libraryPath, kind: .manifestMismatch,
                problem: "plugin '\(descriptor.name)' is a \(descriptor.kind), but node '\(node)' uses it as a \(kind)",
                fix: kind == .middleware ? "list it as the node's plugin, not in its middleware" : "list it in the node's middleware")
        }
    }
}
