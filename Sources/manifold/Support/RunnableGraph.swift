import ArgumentParser
import ManifoldHost
import ManifoldManifest

/// The graph a command is about to run (`run`, `worker`): validated with its plugins loaded,
/// every diagnostic printed, and refused (status 1) when it has errors.
///
/// - Parameters:
///   - graph: the manifest's path.
///   - isolating: nodes to run in child processes (`--isolate`).
///   - verbose: also print where plugins were looked for.
///   - providers: the plugins the host offers by name (`RunApprovals.providers`).
/// - Throws: `ExitCode(1)` after printing the errors, or `ValidationError` for a malformed
///   `--replicas`.
func runnableGraph(
    _ graph: String, plugins: PluginOptions, placement: PlacementOptions, isolating: [String] = [], verbose: Bool = false,
    providers: [String: any PluginProvider] = RunApprovals.builtInPlugins
) throws -> (validation: GraphValidation, manifest: GraphManifest) {
    let validation = GraphValidator.validate(
        manifestAt: graph, loaderOptions: plugins.loaderOptions(probingUnknownLibraries: true), providers: providers, isolating: isolating,
        replicas: try placement.replicaCounts(), only: placement.onlyNodes)
    if verbose { Terminal.error(PluginPaths.describe(graphPaths: validation.manifest?.pluginPaths ?? [])) }
    for diagnostic in validation.diagnostics { Terminal.error(diagnostic.description) }
    guard validation.isValid, let manifest = validation.manifest else {
        Terminal.error("\(graph): not run: \(validation.errors.count) error(s); `manifold validate \(graph)` lists them")
        throw ExitCode(1)
    }
    return (validation, manifest)
}
