import ManifoldJSON

/// `empty-config`: `{}` — what a node without a config gets — behaves as the schema says:
/// when the schema accepts it, `create` makes an instance; when the schema refuses it, the
/// refusal names what is missing, and a `create` that refuses it too says why.
enum EmptyConfigCheck {
    static func run(_ context: CheckContext) -> CheckResult {
        let plugin: PluginUnderCheck
        switch context.plugin(for: .emptyConfig) {
        case .failure(let end): return end.result
        case .success(let found): plugin = found
        }
        let violations: [SchemaViolation]
        if plugin.configSchemaSource != nil {
            guard let schema = plugin.configSchema else {
                return CheckResult(.emptyConfig, .skip, "the config schema is invalid (see config-schema-valid)")
            }
            violations = schema.validate(.object([:]))
        } else {
            violations = []
        }
        let limit = context.limits.callTimeLimit
        let created = ProbeInstance.create(plugin, config: "{}", within: limit)
        guard !violations.isEmpty else {
            switch created {
            case .failure(let failure):
                return CheckResult(.emptyConfig, .fail, "the schema accepts {} (what a node without config gets), but \(failure)")
            case .success(let instance):
                if let failure = instance.end(within: limit) {
                    return CheckResult(.emptyConfig, .fail, "create accepted {}, but ending that instance failed: \(failure)")
                }
                let schema = plugin.configSchemaSource == nil ? "there is no config schema" : "the schema accepts {}"
                return CheckResult(.emptyConfig, .pass, "\(schema), and create accepts it")
            }
        }
        let refusal = violations.map(\.description).joined(separator: "; ")
        guard violations.allSatisfy({ !$0.message.isEmpty }) else {
            return CheckResult(.emptyConfig, .fail, "the schema refuses {} with an empty message; give it one (x-manifold-message)")
        }
        switch created {
        case .failure(.refused(_, let reason)) where reason.isEmpty:
            return CheckResult(
                .emptyConfig, .fail, "the schema refuses {} (\(refusal)); create refuses it too but gives no reason: write one into `error`")
        case .failure(.refused(_, let reason)):
            return CheckResult(.emptyConfig, .pass, "the schema refuses {} (\(refusal)); create refuses it too: \"\(reason)\"")
        case .failure(let failure):
            return CheckResult(.emptyConfig, .fail, "the schema refuses {} (\(refusal)), and given it anyway \(failure)")
        case .success(let instance):
            _ = instance.end(within: limit)
            return CheckResult(
                .emptyConfig, .pass,
                "the schema refuses {} (\(refusal)), so the host never passes it; create accepts it when given anyway")
        }
    }
}
