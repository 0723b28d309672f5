import ArgumentParser
import Foundation
import ManifoldHost

/// `manifold`: run, check and inspect Manifold agent graphs and plugins.
@main
struct ManifoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifold",
        abstract: "Run agent graphs described in JSON manifests, with plugins loaded from shared libraries.",
        discussion: """
            Examples:
              manifold run Examples/pipeline.json --input "hello"
              manifold serve --mcp Examples/pipeline.json
              manifold validate Examples/mistyped.json
              manifold graph Examples/fan-out.json --format mermaid
              manifold inspect .build/debug/libManifoldEcho.so
              manifold check-plugin uppercase
              manifold plugins
              manifold new-plugin reverse --lang c
            """,
        version: ManifoldVersion.current,
        subcommands: [
            RunCommand.self, ServeCommand.self, ValidateCommand.self, GraphCommand.self, InspectCommand.self, CheckPluginCommand.self, PluginsCommand.self,
            NewPluginCommand.self, WorkerCommand.self, IsolatedWorkerCommand.self, RunsCommand.self, ResumeCommand.self, ReplayCommand.self,
            ApprovalsCommand.self, ApproveCommand.self, DenyCommand.self,
        ]
    )

    /// Runs the command with `SIGPIPE` ignored, before any plugin is loaded.
    ///
    /// A write to a pipe whose reader went away — an MCP server or a tool's child that exited,
    /// `manifold run … | head -1` — then fails with `EPIPE` where it happens, and is reported
    /// there, instead of killing the host and every node with it. Programs the host starts get
    /// the default disposition back (they are spawned with every signal reset).
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        await main(nil)
    }
}
