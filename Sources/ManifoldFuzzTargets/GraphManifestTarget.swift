import Foundation
import ManifoldJSON
import ManifoldManifest

/// `GraphManifest.parse(data:file:)` on any bytes, then what `validate` and `run` do next with
/// a manifest that parsed: the topology check, the edges, environment substitution (with and
/// without a placeholder for unset variables) and each node's redacted config.
///
/// Checks: every error names the file and a path and says something; the manifest reader's
/// JSON parser agrees with `JSONParser` on what is JSON; substitution with a placeholder never
/// fails, and without one fails only by naming the unset variables.
public func fuzzGraphManifest(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    let result = outcome { () throws(ManifestErrors) in try GraphManifest.parse(data: Data(bytes), file: ManifestChecks.file) }
    switch result {
    case .failure(let errors):
        try ManifestChecks.check(errors)
        try ManifestChecks.compareSyntax(of: bytes, errors: errors)
    case .success(let manifest):
        try ManifestChecks.compareSyntax(of: bytes, errors: nil)
        try check(manifest)
    }
}

private func check(_ manifest: GraphManifest) throws(FuzzFailure) {
    let (errors, warnings) = manifest.checkTopology()
    for problem in errors + warnings {
        try require(problem.jsonPath.hasPrefix("$"), "topology problem at \(problem.jsonPath.debugDescription): \(problem)")
        try requireMessage(problem.message, "topology problem at \(problem.jsonPath)")
    }
    _ = manifest.edges()
    let resolved: GraphManifest
    switch outcome({ () throws(ManifestErrors) in try manifest.resolvingEnvironment([:], placeholderForMissing: "placeholder") }) {
    case .failure(let errors): throw FuzzFailure("substitution with a placeholder fails: \(errors)")
    case .success(let manifest): resolved = manifest
    }
    if case .failure(let errors) = outcome({ () throws(ManifestErrors) in try manifest.resolvingEnvironment([:]) }) {
        try ManifestChecks.check(errors)
        for error in errors.errors {
            try require(error.message.hasPrefix("environment variable '"), "substitution fails with: \(error)")
        }
    }
    for node in resolved.nodes {
        try require(resolved.redactedConfig(forNode: node.id) != nil, "node \(node.id.debugDescription) has no redacted config")
        for layer in node.middleware.indices {
            try require(
                resolved.redactedConfig(forNode: node.id, middleware: layer) != nil,
                "middleware \(layer) of node \(node.id.debugDescription) has no redacted config")
        }
        _ = resolved.configSecretPaths(forNode: node.id)
    }
}
