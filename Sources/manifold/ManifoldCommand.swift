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
              manifold validate Examples/mistyped.json
              manifold graph Examples/fan-out.json --format mermaid
              manifold inspect .build/debug/libManifoldEcho.so
              manifold check-plugin uppercase
              manifold plugins
              manifold new-plugin reverse --lang c
            """,
        version: ManifoldVersion.current,
        subcommands: [
            RunCommand.self, ValidateCommand.self, GraphCommand.self, InspectCommand.self, CheckPluginCommand.self, PluginsCommand.self,
            NewPluginCommand.self, WorkerCommand.self, IsolatedWorkerCommand.self, RunsCommand.self, ResumeCommand.self, ReplayCommand.self,
            ApprovalsCommand.self, ApproveCommand.self, DenyCommand.self,
        ]
    )
}
