import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldJSON

/// `manifold plugins`: what the search paths hold, loaded or broken.
struct PluginsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the plugins found in the search paths; broken ones are marked with the reason.",
        discussion: """
            Without --path: the folders in MANIFOLD_PLUGIN_PATH, then the installation's
            share/manifold/plugins, then the manifests/plugins of the checkout this manifold was
            built in. The current folder is never searched. -v prints the search path.

            Examples:
              manifold plugins
              manifold plugins --path ./my-plugins --json
            """)

    @Option(name: .customLong("path"), help: "A folder of plugin manifests (repeatable).")
    var paths: [String] = []

    @Flag(help: "Print JSON for machines.")
    var json = false

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = try global.makeLogger()
        let searchPaths = paths.isEmpty ? PluginPaths.defaults : paths
        if global.verbose {
            Terminal.error(paths.isEmpty ? PluginPaths.describe() : PluginPaths.describe(defaults: paths.map { .init(path: $0, origin: "--path") }))
        }
        let loader = PluginLoader(options: plugins.loaderOptions(searchPaths: searchPaths))
        let found = loader.discover()
        let broken = found.filter { $0.plugin == nil }.count
        if json {
            let entries: [JSONValue] = found.map { entry in
                if let plugin = entry.plugin {
                    var summary = PluginSummary.json(plugin).objectValue ?? [:]
                    summary["status"] = "ok"
                    summary["manifest"] = .string(entry.file)
                    return .object(summary)
                }
                return ["status": "broken", "manifest": .string(entry.file), "error": .string("\(entry.error.map { "\($0)" } ?? "unknown")")]
            }
            let document: JSONValue = ["searchPaths": .array(searchPaths.map { .string($0) }), "plugins": .array(entries)]
            Terminal.output(String(decoding: document.serialized(pretty: true), as: UTF8.self) + "\n")
        } else {
            Terminal.output("search paths: \(searchPaths.isEmpty ? "(none)" : searchPaths.joined(separator: ", "))\n")
            for entry in found {
                if let plugin = entry.plugin {
                    let descriptor = plugin.descriptor
                    Terminal.output(
                        "  ok      \(descriptor.name) \(descriptor.version) \(descriptor.kind)  "
                            + "\(descriptor.inputs) → \(descriptor.outputs)\n")
                } else {
                    let reason = entry.error.map { "\($0)" } ?? "unknown"
                    Terminal.output("  BROKEN  \(entry.file)\n" + reason.split(separator: "\n").map { "          \($0)\n" }.joined())
                }
            }
            Terminal.output("\(found.count) plugin(s), \(broken) broken\n")
        }
        if broken > 0 { throw ExitCode(1) }
    }
}
