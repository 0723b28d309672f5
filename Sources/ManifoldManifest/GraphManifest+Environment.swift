import ManifoldJSON

extension GraphManifest {
    /// The manifest with every `${NAME}` in node and middleware configs replaced from `environment`.
    ///
    /// Substitution always starts from the configs as written, so calling this again (on the
    /// raw or a resolved manifest) gives the same result; substituted text is not scanned
    /// again. The paths of substituted strings are recorded in `secretPaths`; the raw
    /// manifest never holds the values, and no error message includes one.
    ///
    /// - Parameter placeholderForMissing: when given, an unset variable without a default
    ///   becomes this text and is no error (for `validate`, which checks a graph without the
    ///   run's secrets).
    /// - Throws: `ManifestErrors` with one error per use of an unset variable without a
    ///   default, at the path of the string that uses it, saying how to set it.
    public func resolvingEnvironment(
        _ environment: [String: String], placeholderForMissing: String? = nil
    ) throws(ManifestErrors) -> GraphManifest {
        var resolved = self
        var outcome = EnvironmentSubstitution.Outcome()
        var secretsByConfig: [String: Set<String>] = [:]
        func substitute(_ config: JSONValue, at path: String) -> JSONValue {
            var configOutcome = EnvironmentSubstitution.Outcome()
            let value = EnvironmentSubstitution.substitute(
                in: config, at: path, environment: environment, placeholder: placeholderForMissing, outcome: &configOutcome)
            outcome.missing += configOutcome.missing
            if !configOutcome.substitutedPaths.isEmpty {
                outcome.substitutedPaths.formUnion(configOutcome.substitutedPaths)
                secretsByConfig[path] = configOutcome.substitutedPaths
            }
            return value
        }
        for index in resolved.nodes.indices {
            let node = resolved.nodes[index]
            resolved.nodes[index].config = substitute(node.rawConfig, at: node.configPath)
            for layer in node.middleware.indices {
                resolved.nodes[index].middleware[layer].config = substitute(
                    node.middleware[layer].rawConfig, at: node.middlewarePath(layer) + ".config")
            }
        }
        if placeholderForMissing == nil, !outcome.missing.isEmpty {
            throw ManifestErrors(outcome.missing.map { name, path in
                ManifestError(
                    file: file, jsonPath: path, message: "environment variable '\(name)' is not set",
                    fix: "set it in the environment that runs the graph (export \(name)=…), or give a default: ${\(name):-default}")
            })
        }
        resolved.secretPaths = outcome.substitutedPaths
        resolved.secretPathsByConfig = secretsByConfig
        resolved.isResolved = true
        return resolved
    }

    /// The config of node `id` (or of its middleware layer `middleware`) with every value in
    /// `secretPaths` shown as `"***"`: safe to print or log. `nil` for an unknown node or layer.
    public func redactedConfig(forNode id: String, middleware: Int? = nil) -> JSONValue? {
        guard let node = node(id) else { return nil }
        if let middleware {
            guard node.middleware.indices.contains(middleware) else { return nil }
            return EnvironmentSubstitution.redact(
                node.middleware[middleware].config, at: node.middlewarePath(middleware) + ".config", paths: secretPaths)
        }
        return EnvironmentSubstitution.redact(node.config, at: node.configPath, paths: secretPaths)
    }

    /// The secret paths inside the config of node `id` (or of its middleware layer), relative
    /// to the config (`$.apiKey`): what `JSONSchema.validate(_:redacting:)` and
    /// `PluginManifest.validate(config:redacting:)` take, so violations never show a secret.
    public func configSecretPaths(forNode id: String, middleware: Int? = nil) -> Set<String> {
        guard let node = node(id) else { return [] }
        let base = middleware.map { node.middlewarePath($0) + ".config" } ?? node.configPath
        return Set((secretPathsByConfig[base] ?? []).compactMap { path -> String? in
            guard path == base || path.hasPrefix(base + ".") || path.hasPrefix(base + "[") else { return nil }
            return JSONPath.root + path.dropFirst(base.count)
        })
    }
}
