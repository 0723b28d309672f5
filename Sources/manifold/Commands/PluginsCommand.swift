import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldJSON

/// `manifold plugins`: what the search paths hold, usable or broken.
struct PluginsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the plugins found in the search paths; broken ones are marked with the reason.",
        discussion: """
            Without --path: the folders in MANIFOLD_PLUGIN_PATH, then the installation's
            share/manifold/plugins, then the manifests/plugins of the checkout this manifold was
            built in. The current folder is never searched. -v prints the search path.

            Reads manifests only, and checks what needs no plugin code: manifest format, file
            permissions, each library's ELF header and SHA-256 pin. With --check, also loads
            each library and checks it against its manifest: THIS RUNS THE LIBRARIES' CODE, each
            in a child process of its own, so one that crashes or hangs is listed as broken.
            A library that crashes, hangs or exits while loading is blacklisted in the plugin
            registry (MANIFOLD_PLUGIN_REGISTRY, default ~/.cache/manifold/plugin-registry.json):
            listed as broken and refused by every later run until it changes; --rescan probes
            every library again. A library that loaded cleanly is not probed again while unchanged.

            Examples:
              manifold plugins
              manifold plugins --check
              manifold plugins --rescan
              manifold plugins --path ./my-plugins --json
            """)

    @Option(name: .customLong("path"), help: "A folder of plugin manifests (repeatable).")
    var paths: [String] = []

    @Flag(help: "Print JSON for machines.")
    var json = false

    @Flag(help: "Load each library, in a child process, and check it against its manifest (runs the libraries' code).")
    var check = false

    @Flag(help: "Like --check, but probe every library again, even those the plugin registry already knows (after fixing one).")
    var rescan = false

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var loadTimeLimit: LoadTimeLimitOption

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = try global.makeLogger()
        let searchPaths = paths.isEmpty ? PluginPaths.defaults : paths
        if global.verbose {
            Terminal.error(paths.isEmpty ? PluginPaths.describe() : PluginPaths.describe(defaults: paths.map { .init(path: $0, origin: "--path") }))
        }
        let loader = PluginLoader(options: plugins.loaderOptions(searchPaths: searchPaths))
        let check = self.check || rescan
        var registry = PluginRegistry()
        if rescan { registry.removeAll() }
        let found = loader.discoverManifests().map { entry in
            Entry(
                file: entry.file, plugin: entry.plugin,
                problem: entry.error.map { "\($0)" } ?? entry.plugin.flatMap { known($0, in: &registry, probing: check) })
        }
        if check {
            do {
                try registry.save()
            } catch {
                Terminal.error("warning: the plugin registry \(registry.path) could not be written (\(error)); crashes found now are not remembered")
            }
        }
        let broken = found.filter { $0.problem != nil }.count
        if json {
            let entries: [JSONValue] = found.map { entry in
                if let plugin = entry.plugin, entry.problem == nil {
                    var summary = PluginSummary.json(ShownPlugin(plugin)).objectValue ?? [:]
                    summary["status"] = "ok"
                    summary["checked"] = .bool(check)
                    summary["manifest"] = .string(entry.file)
                    return .object(summary)
                }
                return ["status": "broken", "manifest": .string(entry.file), "error": .string(entry.problem ?? "unknown")]
            }
            let document: JSONValue = ["searchPaths": .array(searchPaths.map { .string($0) }), "plugins": .array(entries)]
            Terminal.output(String(decoding: document.serialized(pretty: true), as: UTF8.self) + "\n")
        } else {
            Terminal.output("search paths: \(searchPaths.isEmpty ? "(none)" : searchPaths.joined(separator: ", "))\n")
            for entry in found {
                if let plugin = entry.plugin, entry.problem == nil {
                    let descriptor = plugin.descriptor
                    Terminal.output(
                        "  ok      \(descriptor.name) \(descriptor.version) \(descriptor.kind)  "
                            + "\(descriptor.inputs) → \(descriptor.outputs)\n")
                } else {
                    let reason = entry.problem ?? "unknown"
                    Terminal.output("  BROKEN  \(entry.file)\n" + reason.split(separator: "\n").map { "          \($0)\n" }.joined())
                }
            }
            let checked = check ? "libraries loaded and checked, or known from the plugin registry" : "manifests read; --check also loads the libraries"
            Terminal.output("\(found.count) plugin(s), \(broken) broken (\(checked))\n")
        }
        if broken > 0 { throw ExitCode(1) }
    }

    private struct Entry {
        var file: String
        var plugin: ManifestPlugin?
        var problem: String?
    }

    /// What is known of the plugin's library: blacklisted in the registry (whether probing or
    /// not), or, when `probing`, what loading it in a child process finds, recorded in the
    /// registry (a library that loads cleanly is not probed again while unchanged). The
    /// problem, if any.
    private func known(_ plugin: ManifestPlugin, in registry: inout PluginRegistry, probing: Bool) -> String? {
        let library = plugin.location
        if let entry = registry.entry(forLibrary: library, sha256: plugin.sha256) {
            if let reason = entry.blacklistReason {
                return "blacklisted: the library \(reason) when it was probed on \(entry.probed); "
                    + "after fixing it, run `manifold plugins --rescan`"
            }
            if probing { return nil }
        }
        guard probing, let manifest = plugin.manifest?.file else { return nil }
        let outcome = LibraryProbe.inspect([manifest, "--json"], allowInsecurePlugins: plugins.allowInsecurePlugins, timeLimit: loadTimeLimit.seconds)
        if let abnormalEnd = outcome.abnormalEnd {
            registry.record(library: library, sha256: plugin.sha256, blacklistReason: abnormalEnd)
            return "the library \(abnormalEnd); it is blacklisted until it changes or `manifold plugins --rescan` finds it fixed"
        }
        guard outcome.succeeded else {
            let text = outcome.errorText
            return text.hasPrefix("error: ") ? String(text.dropFirst(7)) : text
        }
        registry.record(library: library, sha256: plugin.sha256, blacklistReason: nil)
        return nil
    }
}
