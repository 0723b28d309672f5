import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldJSON

/// `manifold validate`: every check of a graph, without running it.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a graph manifest without running it: format, plugins, configs, types, topology.",
        discussion: """
            Reports every problem in one pass, each with the file, the JSON path and the fix.
            Exits 0 when the graph is valid (warnings allowed), 1 otherwise. Environment
            variables a config refers to may be unset here; that is a warning, not an error.

            Examples:
              manifold validate Examples/pipeline.json
              manifold validate Examples/mistyped.json --json
            """)

    @Argument(help: "The graph manifest.")
    var graph: String

    @Flag(help: "Print JSON for editors and CI.")
    var json = false

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = try global.makeLogger()
        let validation = GraphValidator.validate(
            manifestAt: graph, requireEnvironment: false,
            loaderOptions: plugins.loaderOptions(), providers: RunApprovals.builtInPlugins, resolution: .manifestsOnly)
        if global.verbose { Terminal.error(PluginPaths.describe(graphPaths: validation.manifest?.pluginPaths ?? [])) }
        if json {
            let document: JSONValue = [
                "file": .string(graph),
                "valid": .bool(validation.isValid),
                "errors": .array(validation.errors.map(Self.json)),
                "warnings": .array(validation.warnings.map(Self.json)),
            ]
            Terminal.output(String(decoding: document.serialized(pretty: true), as: UTF8.self) + "\n")
        } else {
            for diagnostic in validation.diagnostics { Terminal.error(diagnostic.description) }
            if validation.isValid {
                let nodes = validation.manifest?.nodes.count ?? 0
                Terminal.output("\(graph): valid (\(nodes) node\(nodes == 1 ? "" : "s"), \(validation.warnings.count) warning(s))\n")
            } else {
                Terminal.error("\(graph): \(validation.errors.count) error(s), \(validation.warnings.count) warning(s)")
            }
        }
        if !validation.isValid { throw ExitCode(1) }
    }

    static func json(_ diagnostic: GraphDiagnostic) -> JSONValue {
        var object: [String: JSONValue] = [
            "severity": .string(diagnostic.severity.rawValue),
            "file": .string(diagnostic.file),
            "path": .string(diagnostic.path),
            "message": .string(diagnostic.message),
        ]
        if let fix = diagnostic.fix { object["fix"] = .string(fix) }
        return .object(object)
    }
}
