import ArgumentParser
import Foundation
import ManifoldConformance
import ManifoldJSON

/// `manifold check-plugin`: conformance checks of a plugin against the ABI's contract, each
/// in a child process of its own.
struct CheckPluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-plugin",
        abstract: "Check that a plugin keeps the ABI's contract: loads, matches its manifest, completes, cancels, shuts down.",
        discussion: """
            PLUGIN is a plugin name (looked up in the search paths, as `manifold run` finds it), a
            plugin manifest (.json), or a library (.so; each of its plugins is checked, or the one
            --plugin names). THIS RUNS THE PLUGIN'S CODE, each check in a child process of its own:
            a plugin that crashes, aborts, calls exit or hangs fails that check, with the signal or
            exit status and the last lines of its standard error, and the next check goes on.

            Checks, in order (docs/check-plugin.md says what each does and its limits):
            \(ConformanceCheck.allCases.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n"))

            Instances are made with --config, or else with the first of the config schema's
            examples, {} and a config made from its defaults that the schema and create accept.
            Exits 0 when no check failed (skips allowed), 1 when one failed, 2 when there is
            nothing to check (no such plugin or file, a --plugin the library lacks, a --config the
            plugin refuses), 64 for a usage error.

            Examples:
              manifold check-plugin uppercase
              manifold check-plugin manifests/plugins/timeout.json --json
              manifold check-plugin .build/debug/libManifoldMiddleware.so --plugin retry
              manifold check-plugin agent --config '{"provider": {"provider": "scripted", "script": [{"text": "hi"}]}}'
              manifold check-plugin ./libmine.so --only process-completes-once --call-time-limit 30
            """)

    @Argument(help: "A plugin name, a plugin manifest (.json) or a plugin library (.so).")
    var plugin: String

    @Option(name: .customLong("plugin"), help: "Of a library holding several plugins, the one to check (default: each).")
    var pluginName: String?

    @Option(help: ArgumentHelp("The config to make instances with, as JSON (default: from the config schema).", valueName: "json"))
    var config: String?

    @Flag(help: "Print the results as JSON.")
    var json = false

    @Option(name: .customLong("only"), help: "Run only this check (repeatable); `loads` always runs.")
    var only: [String] = []

    @Option(name: .customLong("time-limit"), help: "Seconds one check's process may run before it is killed and the check fails (default 60).")
    var timeLimit: Double = 60

    @Option(name: .customLong("call-time-limit"), help: "Seconds one call (process, create, shutdown, destroy) may take (default 10).")
    var callTimeLimit: Double = 10

    @Option(name: .customLong("cancel-time-limit"), help: "Seconds a cancelled call (or a stopped source) may take to complete (default 2).")
    var cancelTimeLimit: Double = 2

    @Option(name: .customLong("create-destroy-rounds"), help: "Rounds of create, shutdown and destroy in create-destroy-no-leak (default 1000).")
    var createDestroyRounds: Int = 1000

    @Option(name: .customLong("in-process"), help: .hidden)
    var inProcess: String?

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    /// The checks chosen, in their order.
    private var checks: [ConformanceCheck] {
        let named = Set(only)
        return ConformanceCheck.allCases.filter { named.isEmpty || $0 == .loads || named.contains($0.name) }
    }

    func validate() throws {
        for name in only where ConformanceCheck(rawValue: name) == nil {
            throw ValidationError(
                "--only: no check named '\(name)'; the checks are: \(ConformanceCheck.allCases.map(\.name).joined(separator: ", "))")
        }
        if let inProcess, ConformanceCheck(rawValue: inProcess) == nil { throw ValidationError("--in-process: no check named '\(inProcess)'") }
        for (option, value) in [("--time-limit", timeLimit), ("--call-time-limit", callTimeLimit), ("--cancel-time-limit", cancelTimeLimit)]
        where !(value.isFinite && value > 0 && value <= 86_400) {
            throw ValidationError("\(option) must be more than 0 and at most 86400 seconds, got \(value)")
        }
        guard (1...10_000_000).contains(createDestroyRounds) else {
            throw ValidationError("--create-destroy-rounds must be from 1 to 10000000, got \(createDestroyRounds)")
        }
        _ = try parsedConfig()
        if pluginName != nil, plugin.hasSuffix(".json") {
            throw ValidationError("--plugin chooses among the plugins of a library; the manifest \(plugin) names its own plugin, so leave --plugin out")
        }
    }

    /// `--config` parsed; a usage error naming the place of a syntax error, or a config that
    /// is no JSON object.
    private func parsedConfig() throws -> JSONValue? {
        guard let config else { return nil }
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: config)
        } catch {
            throw ValidationError(
                "--config is not JSON: \(error)\n  fix: pass one JSON object, quoted for the shell: --config '{\"suffix\": \"!\"}'")
        }
        guard parsed.objectValue != nil else {
            throw ValidationError(
                "--config must be a JSON object (a node's config), got \(parsed.typeName)\n  fix: pass an object: --config '{\"suffix\": \"!\"}'")
        }
        return parsed
    }

    private var limits: CheckLimits {
        CheckLimits(
            createDestroyRounds: createDestroyRounds, callTimeLimit: .milliseconds(Int64(callTimeLimit * 1000)),
            cancelTimeLimit: .milliseconds(Int64(cancelTimeLimit * 1000)))
    }

    func run() throws {
        _ = try global.makeLogger()
        if let inProcess, let check = ConformanceCheck(rawValue: inProcess) {
            try runHere(check)
        } else {
            try checkInChildren()
        }
    }

    /// Runs every chosen check, each in a child, and reports them.
    private func checkInChildren() throws {
        let location: ConformanceTarget.Location
        do {
            location = try CheckPluginTarget.resolve(plugin, searchPaths: PluginPaths.defaults)
        } catch {
            Terminal.error(error.description)
            throw ExitCode(2)
        }
        let path: String
        switch location {
        case .manifest(let file), .library(let file): path = file
        }
        var arguments = [path]
        if let config { arguments += ["--config", config] }
        arguments += [
            "--call-time-limit", "\(callTimeLimit)", "--cancel-time-limit", "\(cancelTimeLimit)",
            "--create-destroy-rounds", "\(createDestroyRounds)",
        ]
        if plugins.allowInsecurePlugins { arguments.append("--allow-insecure-plugins") }
        let child = CheckInChild(arguments: arguments, timeLimit: timeLimit)

        let loadsOutcome = child.run(.loads, plugin: nil)
        let loads = loadsOutcome.report
        var names: [String?] = [nil]
        if case .library = location {
            if let pluginName {
                guard loads.plugins.isEmpty || loads.plugins.contains(pluginName) else {
                    Terminal.error(
                        "error: \(plugin) holds no plugin named '\(pluginName)'; it holds: \(loads.plugins.joined(separator: ", "))\n"
                            + "  fix: pass one of those names to --plugin")
                    throw ExitCode(2)
                }
                names = [pluginName]
            } else if loads.plugins.count > 1 {
                if config != nil {
                    Terminal.error(
                        "error: --config is for one plugin, and \(plugin) holds \(loads.plugins.count) (\(loads.plugins.joined(separator: ", ")))\n"
                            + "  fix: add --plugin NAME to check that one with the config")
                    throw ExitCode(2)
                }
                names = loads.plugins
            }
        }
        if let problem = loads.configProblem {
            Terminal.error("error: \(problem)\n  fix: correct --config; `manifold inspect \(path)` shows the config schema")
            throw ExitCode(2)
        }
        var report = CheckPluginReport(target: plugin, plugins: [])
        // A library that took its process down while loading would take every check's down.
        let loadedAtAll = !loadsOutcome.endedAbnormally
        for name in names {
            var entry = CheckPluginReport.Plugin(
                name: name ?? loads.checked, library: loads.library, manifest: loads.manifest, results: [])
            if !json { Terminal.output(report.header(entry)) }
            for check in checks {
                let result: CheckResult
                if check == .loads {
                    result = loads.result
                } else if !loadedAtAll {
                    result = CheckResult(check, .skip, "the library did not load (see loads)")
                } else {
                    let found = child.run(check, plugin: name).report
                    result = found.result
                    if entry.manifest == nil { entry.manifest = found.manifest }
                }
                entry.results.append(result)
                if !json { Terminal.output(CheckPluginReport.rows(result)) }
            }
            report.plugins.append(entry)
        }
        if json {
            Terminal.output(String(decoding: report.json.serialized(pretty: true), as: UTF8.self) + "\n")
        } else {
            Terminal.output(report.totalLine)
        }
        if report.failed { throw ExitCode(1) }
    }

    /// Runs one check in this process and prints its report as one JSON line: only ever run
    /// as a child of `checkInChildren`. The process then ends at once, whatever threads the
    /// plugin left running (a late callback would only find the checker gone).
    private func runHere(_ check: ConformanceCheck) throws {
        let location: ConformanceTarget.Location = plugin.hasSuffix(".json") ? .manifest(plugin) : .library(plugin)
        let target = ConformanceTarget(location: location, plugin: pluginName, allowInsecurePlugins: plugins.allowInsecurePlugins)
        let report = ConformanceRunner.run(check, target: target, config: try parsedConfig(), limits: limits)
        Terminal.output(String(decoding: report.json.serialized(), as: UTF8.self) + "\n")
        _exit(0)
    }
}
