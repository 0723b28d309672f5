import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldManifest

/// `manifold graph`: the wired graph as a picture description.
struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the wired graph as Graphviz dot or Mermaid, with node and edge types.",
        discussion: """
            Examples:
              manifold graph Examples/fan-out.json --format dot | dot -Tpng > graph.png
              manifold graph Examples/pipeline.json --format mermaid
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid
    }

    @Argument(help: "The graph manifest.")
    var graph: String

    @Option(help: "dot or mermaid.")
    var format: Format = .mermaid

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = try global.makeLogger()
        let validation = GraphValidator.validate(
            manifestAt: graph, requireEnvironment: false,
            loaderOptions: plugins.loaderOptions(), providers: RunApprovals.builtInPlugins, resolution: .manifestsOnly)
        if global.verbose { Terminal.error(PluginPaths.describe(graphPaths: validation.manifest?.pluginPaths ?? [])) }
        guard let manifest = validation.manifest else {
            for diagnostic in validation.diagnostics { Terminal.error(diagnostic.description) }
            throw ExitCode(1)
        }
        for diagnostic in validation.diagnostics { Terminal.error(diagnostic.description) }
        let picture = GraphPicture(manifest: manifest, plugins: validation.plugins)
        Terminal.output(format == .dot ? picture.dot() : picture.mermaid())
        // The picture helps find a mistake; the status still says there is one.
        if !validation.errors.isEmpty { throw ExitCode(1) }
    }
}
