import CManifoldABI
import CManifoldSystem
import Foundation
import Logging
import Manifold
import ManifoldJSON
import ManifoldManifest

/// A plugin library opened, its descriptor read and checked: ready to make instances.
///
/// The library stays loaded for the life of the process (`RTLD_NODELETE`): a Swift plugin's
/// runtime metadata must never be unmapped.
public final class LoadedPlugin: @unchecked Sendable {
    /// The library's path as resolved.
    public let libraryPath: String
    /// What the compiled plugin says about itself.
    public let descriptor: PluginDescriptor
    /// The manifest beside the library, when there is one.
    public let manifest: PluginManifest?
    /// SHA-256 of the library file, lowercase hex.
    public let sha256: String
    let vtable: UnsafePointer<manifold_plugin>
    /// The config schema (the manifest's, else the library's), parsed once.
    private let configSchema: Result<JSONSchema, SchemaError>?

    init(libraryPath: String, descriptor: PluginDescriptor, manifest: PluginManifest?, sha256: String,
         vtable: UnsafePointer<manifold_plugin>)
    {
        self.libraryPath = libraryPath
        self.descriptor = descriptor
        self.manifest = manifest
        self.sha256 = sha256
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

    /// Opens a library and reads its descriptor, checking everything that can be checked
    /// without a manifest: existence, permissions, ELF header, symbol, ABI, struct size.
    static func open(library path: String, allowInsecurePermissions: Bool) throws -> (UnsafePointer<manifold_plugin>, PluginDescriptor, String) {
        try LibraryFile.checkExists(path)
        if !allowInsecurePermissions { try LibraryFile.checkPermissions(path) }
        try LibraryFile.checkELF(path)
        let digest = try LibraryFile.sha256(of: path)
        _ = dlerror()
        guard let handle = dlopen(path, manifold_plugin_dlopen_flags()) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw openError(path: path, reason: reason)
        }
        guard let symbol = dlsym(handle, "manifold_plugin_entry") else {
            throw PluginLoadError(
                file: path, kind: .missingEntrySymbol,
                problem: "not a Manifold plugin: it does not export manifold_plugin_entry",
                fix: "export `const manifold_plugin *manifold_plugin_entry(uint32_t)` (C: MANIFOLD_EXPORT; Swift: "
                    + "`@_cdecl(\"manifold_plugin_entry\") public func …`, which must be public)")
        }
        let entry = unsafeBitCast(symbol, to: (@convention(c) (UInt32) -> UnsafePointer<manifold_plugin>?).self)
        guard let vtable = entry(manifold_host_abi_version()) else {
            throw PluginLoadError(
                file: path, kind: .entryRefused,
                problem: "manifold_plugin_entry returned NULL: the plugin refused this host (ABI \(ABIVersion.host))",
                fix: "rebuild the plugin against this host's manifold_plugin.h")
        }
        let descriptor = try PluginDescriptor(reading: vtable, file: path)
        return (vtable, descriptor, digest)
    }

    private static func openError(path: String, reason: String) -> PluginLoadError {
        // glibc words a missing dependency as "<plugin>: <dependency>: cannot open shared object file".
        let parts = reason.components(separatedBy: ": ")
        if reason.contains("cannot open shared object file"), parts.count >= 3, let dependency = parts.dropFirst().first,
            !path.hasSuffix(dependency)
        {
            return PluginLoadError(
                file: path, kind: .missingDependency,
                problem: "opening the plugin failed: it needs \(dependency), which the loader cannot find (\(reason))",
                fix: "install \(dependency) or add its folder to LD_LIBRARY_PATH; `ldd \(path)` lists what is missing")
        }
        return PluginLoadError(
            file: path, kind: .openFailed, problem: "opening the plugin failed: \(reason)",
            fix: "check that it is a shared library built for this system with the same Swift toolchain as the host")
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
