import ManifoldJSON

/// The config the checks make instances with, and where it came from.
///
/// `--config` when given (it must match the config schema: a mismatch is the user's to
/// fix); otherwise the first of these that the schema accepts and `create` accepts too: each
/// of the schema's top-level `examples`, `{}`, and a config made from the schema's
/// defaults and required keys (`SchemaSample`).
struct ConfigChoice: Sendable {
    /// The config.
    let config: JSONValue
    /// Where it came from, for the report: `--config`, `examples[0] of the config schema`, …
    let source: String

    /// Why no config could be chosen.
    enum Unavailable: Error, CustomStringConvertible {
        /// `--config` does not match the schema: the violations, one line.
        case givenDoesNotMatch(String)
        /// `create` refused `--config`.
        case givenRefused(String)
        /// Nothing the schema offers was accepted: what was tried and why each failed.
        case noneAccepted(String)

        var description: String {
            switch self {
            case .givenDoesNotMatch(let violations): return "--config does not match the plugin's config schema: \(violations)"
            case .givenRefused(let reason): return "the plugin refused --config: \(reason)"
            case .noneAccepted(let tried): return "no config to check with (\(tried)); pass one with --config"
            }
        }
    }

    /// Chooses the config for `plugin`, trying each candidate with `create` (then shutting
    /// the instance down) under `limit`.
    static func choose(for plugin: PluginUnderCheck, given: JSONValue?, limit: Duration) -> Result<ConfigChoice, Unavailable> {
        let schema = plugin.configSchema
        if let given {
            if let schema {
                let violations = schema.validate(given)
                if !violations.isEmpty { return .failure(.givenDoesNotMatch(violations.map(\.description).joined(separator: "; "))) }
            }
            if let refusal = refusal(of: given, by: plugin, limit: limit) { return .failure(.givenRefused(refusal)) }
            return .success(ConfigChoice(config: given, source: "--config"))
        }
        var candidates: [(JSONValue, String)] = []
        if let source = plugin.configSchemaSource {
            for (index, example) in (source["examples"]?.arrayValue ?? []).enumerated() {
                candidates.append((example, "examples[\(index)] of the config schema"))
            }
        }
        candidates.append((.object([:]), "{}"))
        if let source = plugin.configSchemaSource, let sample = SchemaSample.value(for: source) {
            candidates.append((sample, "a config made from the config schema's defaults and required keys"))
        }
        var tried: [String] = []
        var seen: [JSONValue] = []
        for (candidate, source) in candidates where !seen.contains(candidate) {
            seen.append(candidate)
            if let schema, let violation = schema.validate(candidate).first {
                tried.append("\(source): \(violation)")
                continue
            }
            if let refusal = refusal(of: candidate, by: plugin, limit: limit) {
                tried.append("\(source): \(refusal)")
                continue
            }
            return .success(ConfigChoice(config: candidate, source: source))
        }
        return .failure(.noneAccepted(tried.joined(separator: "; ")))
    }

    /// Why `create` refused `config`; `nil` when it made an instance (which is ended again).
    private static func refusal(of config: JSONValue, by plugin: PluginUnderCheck, limit: Duration) -> String? {
        switch ProbeInstance.create(plugin, config: config.jsonText, within: limit) {
        case .failure(let failure):
            return "\(failure)"
        case .success(let instance):
            return instance.end(within: limit).map { "\($0)" }
        }
    }
}
