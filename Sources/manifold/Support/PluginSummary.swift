import Foundation
import ManifoldHost
import ManifoldJSON
import ManifoldManifest

/// A plugin as `inspect` and `plugins` show it: loaded from its library, or described by its
/// manifest alone.
struct ShownPlugin {
    var descriptor: PluginDescriptor
    var libraryPath: String
    var sha256: String
    var manifest: PluginManifest?
    var libraryABI: ABIVersion

    init(_ plugin: LoadedPlugin) {
        self.descriptor = plugin.descriptor
        self.libraryPath = plugin.libraryPath
        self.sha256 = plugin.sha256
        self.manifest = plugin.manifest
        self.libraryABI = plugin.library.abi
    }

    init(_ plugin: ManifestPlugin) {
        self.descriptor = plugin.descriptor
        self.libraryPath = plugin.location
        self.sha256 = plugin.sha256
        self.manifest = plugin.manifest
        self.libraryABI = plugin.descriptor.abi
    }
}

/// How a plugin is shown.
enum PluginSummary {
    static func json(_ plugin: ShownPlugin) -> JSONValue {
        let descriptor = plugin.descriptor
        var object: [String: JSONValue] = [
            "name": .string(descriptor.name),
            "version": .string(descriptor.version),
            "kind": .string(descriptor.kind.rawValue),
            "abi": .string(descriptor.abi.description),
            "hostAbi": .string(ABIVersion.host.description),
            "inputs": .array(descriptor.inputs.types.map { .string($0.description) }),
            "outputs": .array(descriptor.outputs.types.map { .string($0.description) }),
            "concurrent": .bool(descriptor.allowsConcurrentProcessing),
            "extensions": .array(descriptor.extensions.map { .string($0) }),
            "file": .string(plugin.libraryPath),
            "sha256": .string(plugin.sha256),
            "manifest": plugin.manifest.map { .string($0.file) } ?? .null,
            "configSchema": configSchema(plugin) ?? .null,
        ]
        if let summary = descriptor.summary { object["description"] = .string(summary) }
        return .object(object)
    }

    /// A library and every plugin its factory lists.
    static func json(library plugins: [ShownPlugin]) -> JSONValue {
        guard let first = plugins.first else { return .null }
        return .object([
            "file": .string(first.libraryPath),
            "sha256": .string(first.sha256),
            "abi": .string(first.libraryABI.description),
            "hostAbi": .string(ABIVersion.host.description),
            "plugins": .array(plugins.map(json)),
        ])
    }

    static func text(_ plugin: ShownPlugin) -> String {
        let descriptor = plugin.descriptor
        var lines = ["\(descriptor.name) \(descriptor.version) (\(descriptor.kind))"]
        if let summary = descriptor.summary, !summary.isEmpty { lines.append("  \(summary)") }
        lines.append("  abi:        \(descriptor.abi) (host supports \(ABIVersion.host.major).0–\(ABIVersion.host))")
        lines.append("  inputs:     \(descriptor.inputs.types.isEmpty ? "none (it emits on its own)" : descriptor.inputs.types.map(\.description).joined(separator: ", "))")
        lines.append("  outputs:    \(descriptor.outputs.types.map(\.description).joined(separator: ", "))")
        lines.append("  concurrent: \(descriptor.allowsConcurrentProcessing ? "yes" : "no (one input at a time per instance)")")
        lines.append("  extensions: \(descriptor.extensions.isEmpty ? "none" : descriptor.extensions.joined(separator: ", "))")
        lines.append("  file:       \(plugin.libraryPath)")
        lines.append("  sha256:     \(plugin.sha256)")
        lines.append("  manifest:   \(plugin.manifest?.file ?? "none beside the library (manifold inspect --manifest makes one)")")
        if let schema = configSchema(plugin) {
            lines.append("  config schema:")
            let pretty = String(decoding: schema.serialized(pretty: true), as: UTF8.self)
            lines += pretty.split(separator: "\n").map { "    " + $0 }
        } else {
            lines.append("  config schema: none (any config is passed as is)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A manifest for `plugin`, with the library's SHA-256 unless `pinned` is false.
    static func generatedManifest(_ plugin: ShownPlugin, pinned: Bool = true) -> JSONValue {
        let descriptor = plugin.descriptor
        var object: [String: JSONValue] = [
            "manifestVersion": 1,
            "name": .string(descriptor.name),
            "version": .string(descriptor.version),
            "abi": .string(descriptor.abi.description),
            "kind": .string(descriptor.kind.rawValue),
            "library": .string((plugin.libraryPath as NSString).lastPathComponent),
            "inputs": .array(descriptor.inputs.types.map { .string($0.description) }),
            "outputs": .array(descriptor.outputs.types.map { .string($0.description) }),
        ]
        if pinned { object["sha256"] = .string(plugin.sha256) }
        if descriptor.allowsConcurrentProcessing { object["concurrent"] = true }
        if !descriptor.extensions.isEmpty { object["extensions"] = .array(descriptor.extensions.map { .string($0) }) }
        if let summary = descriptor.summary { object["description"] = .string(summary) }
        if let schema = configSchema(plugin) { object["configSchema"] = schema }
        return .object(object)
    }

    private static func configSchema(_ plugin: ShownPlugin) -> JSONValue? {
        plugin.manifest?.configSchema ?? plugin.descriptor.configSchema.flatMap { try? JSONValue(parsing: $0) }
    }
}
