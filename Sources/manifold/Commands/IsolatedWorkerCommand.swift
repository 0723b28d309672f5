import ArgumentParser
import ManifoldHost

/// `manifold isolated-worker`: the child process an isolated node's plugin runs in. The host
/// starts it with its socket on descriptor 3 and sends it everything else over that socket
/// (docs/isolation.md); it is not meant to be run by hand.
struct IsolatedWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isolated-worker",
        abstract: "Run one isolated node's plugin for a host process (started by the host, not by hand).",
        shouldDisplay: false)

    func run() async throws {
        // The plugin's logs go to standard error, which the host passes on; each logger then
        // takes the host's level (sent with the plugin to load).
        LoggingBootstrap.once(level: .trace)
        // Its last words, which the host quotes, then name the plugin.
        PluginCrashReport.install(inWorker: true)
        await IsolatedNodeWorker.run()
    }
}
