import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldJSON

/// `manifold inspect`: what a plugin is, from its library or its manifest.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a plugin's name, version, kind, ABI, types, config schema, file and SHA-256.",
        discussion: """
            Loads the plugin (its library and, when there is one, its manifest) and checks them
            against each other; anything broken is reported with the fix and a non-zero exit.

            Examples:
              manifold inspect .build/debug/libManifoldEcho.so
              manifold inspect manifests/plugins/uppercase.json --json
              manifold inspect --manifest .build/debug/libMyPlugin.so > manifests/plugins/my.json
            """)

    @Argument(help: "A plugin library (.so) or plugin manifest (.json).")
    var plugin: String

    @Flag(help: "Print JSON for machines.")
    var json = false

    @Flag(help: "Print a plugin manifest generated from the library, to start one from.")
    var manifest = false

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = try global.makeLogger()
        let loader = PluginLoader(options: plugins.loaderOptions(searchPaths: []))
        let loaded: LoadedPlugin
        do {
            loaded = plugin.hasSuffix(".json") ? try loader.load(manifestAt: plugin) : try loader.load(libraryAt: plugin)
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
        if manifest {
            Terminal.output(String(decoding: PluginSummary.generatedManifest(loaded).serialized(pretty: true), as: UTF8.self) + "\n")
        } else if json {
            Terminal.output(String(decoding: PluginSummary.json(loaded).serialized(pretty: true), as: UTF8.self) + "\n")
        } else {
            Terminal.output(PluginSummary.text(loaded))
        }
    }
}

/// How a loaded plugin is shown.
enum PluginSummary {
    static func json(_ plugin: LoadedPlugin) -> JSONValue {
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
            "file": .string(plugin.libraryPath),
            "sha256": .string(plugin.sha256),
            "manifest": plugin.manifest.map { .string($0.file) } ?? .null,
            "configSchema": configSchema(plugin) ?? .null,
        ]
        if let summary = descriptor.summary { object["description"] = .string(summary) }
        return .object(object)
    }

    static func text(_ plugin: LoadedPlugin) -> String {
        let descriptor = plugin.descriptor
        var lines = ["\(descriptor.name) \(descriptor.version) (\(descriptor.kind))"]
        if let summary = descriptor.summary, !summary.isEmpty { lines.append("  \(summary)") }
        lines.append("  abi:        \(descriptor.abi) (host supports \(ABIVersion.host.major).0–\(ABIVersion.host))")
        lines.append("  inputs:     \(descriptor.inputs.types.map(\.description).joined(separator: ", "))")
        lines.append("  outputs:    \(descriptor.outputs.types.map(\.description).joined(separator: ", "))")
        lines.append("  concurrent: \(descriptor.allowsConcurrentProcessing ? "yes" : "no (one input at a time per instance)")")
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

    static func generatedManifest(_ plugin: LoadedPlugin) -> JSONValue {
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
            "sha256": .string(plugin.sha256),
        ]
        if let summary = descriptor.summary { object["description"] = .string(summary) }
        if let schema = configSchema(plugin) { object["configSchema"] = schema }
        return .object(object)
    }

    private static func configSchema(_ plugin: LoadedPlugin) -> JSONValue? {
        plugin.manifest?.configSchema ?? plugin.descriptor.configSchema.flatMap { try? JSONValue(parsing: $0) }
    }
}
