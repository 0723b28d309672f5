import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldJSON

/// `manifold inspect`: what a plugin is, from its manifest, or from its library in a child
/// process.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a plugin's name, version, kind, ABI, types, extensions, config schema, file and SHA-256.",
        discussion: """
            Given a manifest (.json): shows what it declares, after the checks that run no plugin
            code (manifest format, file permissions, the library's ELF header and SHA-256 pin).
            With --check, also loads the library and checks it against the manifest.

            Given a library (.so), or with --check: THIS RUNS THE LIBRARY'S CODE (its
            initialisers and descriptor), in a child process, so a library that crashes or hangs
            is reported without harming anything else. Shows every plugin its factory lists.

            Examples:
              manifold inspect manifests/plugins/uppercase.json
              manifold inspect manifests/plugins/uppercase.json --check --json
              manifold inspect .build/debug/libManifoldEcho.so
              manifold inspect --manifest .build/debug/libMyPlugin.so > manifests/plugins/my.json
              manifold inspect --manifest --no-pin .build/debug/libMyPlugin.so > dev-plugins/my.json
              manifold inspect --manifest --plugin retry .build/debug/libManifoldMiddleware.so
            """)

    @Argument(help: "A plugin library (.so) or plugin manifest (.json).")
    var plugin: String

    @Flag(help: "Print JSON for machines.")
    var json = false

    @Flag(help: "Print a plugin manifest generated from the library, to start one from (runs the library's code).")
    var manifest = false

    @Flag(help: ArgumentHelp(
        "With --manifest: leave out the library's sha256 pin, so rebuilds during development still load.",
        discussion: "Without a pin the manifest matches any rebuild of the library (still cross-checked field by field); pin it for a release."))
    var noPin = false

    @Flag(help: "Load the manifest's library and check it against the manifest (runs the library's code, in a child process).")
    var check = false

    @Flag(help: .hidden)
    var inProcess = false

    @Option(name: .customLong("plugin"), help: "Of a library holding several plugins, the one to show.")
    var pluginName: String?

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var loadTimeLimit: LoadTimeLimitOption

    @OptionGroup var global: GlobalOptions

    private var isManifest: Bool { plugin.hasSuffix(".json") }

    func validate() throws {
        if noPin && !manifest {
            throw ValidationError("--no-pin leaves the pin out of a generated manifest; use it with --manifest")
        }
    }

    func run() async throws {
        _ = try global.makeLogger()
        if inProcess {
            try inspectHere()
        } else if isManifest && !check && !manifest {
            try describeManifest()
        } else {
            try inspectInChild()
        }
    }

    /// Reads the manifest and checks what needs no plugin code.
    private func describeManifest() throws {
        let loader = PluginLoader(options: plugins.loaderOptions(searchPaths: []))
        let described: ManifestPlugin
        do {
            described = try loader.describe(manifestAt: plugin)
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        let shown = ShownPlugin(described)
        if json {
            Terminal.output(String(decoding: PluginSummary.json(shown).serialized(pretty: true), as: UTF8.self) + "\n")
        } else {
            Terminal.output(PluginSummary.text(shown) + "  (from the manifest; `--check` also loads the library and compares)\n")
        }
    }

    /// Runs this command again with `--in-process` in a child, and relays what it says.
    private func inspectInChild() throws {
        var arguments = [plugin]
        if json { arguments.append("--json") }
        if manifest { arguments.append("--manifest") }
        if noPin { arguments.append("--no-pin") }
        if let pluginName { arguments += ["--plugin", pluginName] }
        let outcome = LibraryProbe.inspect(arguments, allowInsecurePlugins: plugins.allowInsecurePlugins, timeLimit: loadTimeLimit.seconds)
        if !outcome.output.isEmpty { Terminal.output(String(decoding: outcome.output, as: UTF8.self)) }
        if !outcome.errors.isEmpty { Terminal.error(outcome.errorText) }
        if let abnormalEnd = outcome.abnormalEnd {
            Terminal.error("error: \(plugin) \(abnormalEnd)\n  fix: report it to the plugin's author, and do not load it into a graph")
            throw ExitCode(1)
        }
        if let status = outcome.status, status != 0 { throw ExitCode(status) }
    }

    /// Loads the library into this process: only ever run as the child of `inspectInChild`.
    /// The child is the probe the plugin registry learns from, so it consults no registry.
    private func inspectHere() throws {
        let loader = PluginLoader(options: plugins.loaderOptions(searchPaths: [], consultingRegistry: false))
        let loaded: [LoadedPlugin]
        do {
            loaded = try choose(isManifest ? [try loader.load(manifestAt: plugin)] : try loader.load(allInLibraryAt: plugin))
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        defer { LoadedLibrary.finishAll() }
        let shown = loaded.map(ShownPlugin.init)
        if manifest {
            guard shown.count == 1 else {
                Terminal.error(
                    "error: \(plugin) holds \(shown.count) plugins (\(shown.map(\.descriptor.name).joined(separator: ", "))); a manifest describes one\n"
                        + "  fix: add --plugin NAME")
                throw ExitCode(1)
            }
            let generated = PluginSummary.generatedManifest(shown[0], pinned: !noPin)
            Terminal.output(String(decoding: generated.serialized(pretty: true), as: UTF8.self) + "\n")
        } else if json {
            let value = isManifest ? PluginSummary.json(shown[0]) : PluginSummary.json(library: shown)
            Terminal.output(String(decoding: value.serialized(pretty: true), as: UTF8.self) + "\n")
        } else {
            Terminal.output(shown.map(PluginSummary.text).joined(separator: "\n"))
        }
    }

    private func choose(_ loaded: [LoadedPlugin]) throws -> [LoadedPlugin] {
        guard let pluginName else { return loaded }
        let chosen = loaded.filter { $0.descriptor.name == pluginName }
        guard !chosen.isEmpty else {
            throw PluginLoadError(
                file: plugin, kind: .pluginNotInLibrary,
                problem: "holds no plugin named '\(pluginName)'; it holds: \(loaded.map(\.descriptor.name).joined(separator: ", "))",
                fix: "pass one of those names to --plugin")
        }
        return chosen
    }
}
