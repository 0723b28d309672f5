import ArgumentParser
import Foundation
import Logging
import ManifoldHost

/// Options every subcommand takes: how much to log.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Log more (same as --log-level debug).")
    var verbose = false

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (default: warning).")
    var logLevel: String?

    /// Installs a stderr log handler at the chosen level and returns a logger.
    func makeLogger(label: String = "manifold") throws -> Logger {
        let level: Logger.Level
        if let logLevel {
            guard let parsed = Logger.Level(rawValue: logLevel.lowercased()) else {
                throw ValidationError("unknown --log-level '\(logLevel)'; use trace, debug, info, notice, warning, error or critical")
            }
            level = parsed
        } else {
            level = verbose ? .debug : .warning
        }
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

/// Options of every command that loads plugins.
struct PluginOptions: ParsableArguments {
    @Flag(help: "Load plugins even if they or their folder are writable by every user.")
    var allowInsecurePlugins = false

    /// Loader options for these search paths (the defaults when none are given).
    /// With `consultingRegistry`, a library the plugin registry blacklists (it crashed, hung or
    /// exited when it was loaded in a child) is refused instead of loaded; with
    /// `probingUnknownLibraries` too, a library the registry does not know is first loaded in a
    /// child (for commands that load plugins into their own process).
    func loaderOptions(
        searchPaths: [String] = PluginPaths.defaults, consultingRegistry: Bool = true, probingUnknownLibraries: Bool = false
    ) -> PluginLoaderOptions {
        var options = PluginLoaderOptions(searchPaths: searchPaths, allowInsecurePermissions: allowInsecurePlugins)
        if consultingRegistry {
            let registry = PluginRegistry()
            options.registry = registry
            if probingUnknownLibraries {
                options.probing = RegistryProbe(registry: registry, allowInsecurePlugins: allowInsecurePlugins)
            }
        }
        return options
    }
}

/// swift-log may be bootstrapped once per process.
enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false
    private static let lock = NSLock()

    static func once(level: Logger.Level) {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
