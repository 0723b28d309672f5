import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldJSON

/// `manifold inspect`: what a plugin is, from its library or its manifest.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a plugin's name, version, kind, ABI, types, extensions, config schema, file and SHA-256.",
        discussion: """
            Loads the plugin (its library and, when there is one, its manifest) and checks them
            against each other; anything broken is reported with the fix and a non-zero exit.
            Given a library, shows every plugin its factory lists (a library may hold several).
            This opens the library: its code runs in this process.

            Examples:
              manifold inspect .build/debug/libManifoldEcho.so
              manifold inspect .build/debug/libManifoldMiddleware.so --json
              manifold inspect manifests/plugins/uppercase.json --json
              manifold inspect --manifest .build/debug/libMyPlugin.so > manifests/plugins/my.json
              manifold inspect --manifest --plugin retry .build/debug/libManifoldMiddleware.so
            """)

    @Argument(help: "A plugin library (.so) or plugin manifest (.json).")
    var plugin: String

    @Flag(help: "Print JSON for machines.")
    var json = false

    @Flag(help: "Print a plugin manifest generated from the library, to start one from.")
    var manifest = false

    @Option(name: .customLong("plugin"), help: "Of a library holding several plugins, the one to show.")
    var pluginName: String?

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = try global.makeLogger()
        let loader = PluginLoader(options: plugins.loaderOptions(searchPaths: []))
        let loaded: [LoadedPlugin]
        do {
            loaded = try choose(plugin.hasSuffix(".json") ? [try loader.load(manifestAt: plugin)] : try loader.load(allInLibraryAt: plugin))
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
        defer { LoadedLibrary.finishAll() }
        if manifest {
            guard loaded.count == 1 else {
                Terminal.error(
                    "error: \(plugin) holds \(loaded.count) plugins (\(loaded.map(\.descriptor.name).joined(separator: ", "))); a manifest describes one\n"
                        + "  fix: add --plugin NAME")
                throw ExitCode(1)
            }
            Terminal.output(String(decoding: PluginSummary.generatedManifest(loaded[0]).serialized(pretty: true), as: UTF8.self) + "\n")
        } else if json {
            let value = plugin.hasSuffix(".json") ? PluginSummary.json(loaded[0]) : PluginSummary.json(library: loaded)
            Terminal.output(String(decoding: value.serialized(pretty: true), as: UTF8.self) + "\n")
        } else {
            Terminal.output(loaded.map(PluginSummary.text).joined(separator: "\n"))
        }
    }

    private func choose(_ loaded: [LoadedPlugin]) throws -> [LoadedPlugin] {
        guard let pluginName else { return loaded }
        let chosen = loaded.filter { $0.descriptor.name == pluginName }
        guard !chosen.isEmpty else {
            throw ValidationError("\(plugin) holds no plugin named '\(pluginName)'; it holds: \(loaded.map(\.descriptor.name).joined(separator: ", "))")
        }
        return chosen
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
    static func json(library plugins: [LoadedPlugin]) -> JSONValue {
        guard let first = plugins.first else { return .null }
        return .object([
            "file": .string(first.libraryPath),
            "sha256": .string(first.sha256),
            "abi": .string(first.library.abi.description),
            "hostAbi": .string(ABIVersion.host.description),
            "plugins": .array(plugins.map(json)),
        ])
    }

    static func text(_ plugin: LoadedPlugin) -> String {
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
