import ManifoldJSON

/// `config-schema-valid`: the config schema compiled into the library and the one in the
/// manifest are JSON Schemas the host applies (draft 2020-12, the keywords
/// docs/json-schema.md lists), and the examples a schema gives match it.
enum ConfigSchemaCheck {
    static func run(_ context: CheckContext) -> CheckResult {
        let load = context.load
        var problems: [String] = load.manifestSchemaProblems.map { "the manifest's configSchema: \($0)" }
        guard let plugin = load.plugin else {
            if !problems.isEmpty { return CheckResult(.configSchemaValid, .fail, problems.joined(separator: "; ")) }
            return CheckResult(.configSchemaValid, .skip, "cannot run: \(load.unavailable ?? "the plugin did not load") (see loads)")
        }
        let name = plugin.descriptor.name
        if let compiled = load.compiledSchemaProblems[name] { problems.insert("the compiled config_schema: \(compiled)", at: 0) }
        let compiledSource = plugin.descriptor.configSchema
        if compiledSource == nil, load.manifestSchema == nil {
            return CheckResult(.configSchemaValid, .skip, "'\(name)' declares no config schema: create receives any config as it is")
        }
        var checked: [String] = []
        var examples: [JSONValue] = []
        for (place, source) in [("the manifest's", load.manifestSchema), ("the compiled", compiledSource.flatMap { try? JSONValue(parsing: $0) })] {
            guard let source, let schema = try? JSONSchema(source) else { continue }
            checked.append(place)
            for (index, example) in (source["examples"]?.arrayValue ?? []).enumerated() {
                if !examples.contains(example) { examples.append(example) }
                if let violation = schema.validate(example).first {
                    problems.append("examples[\(index)] of \(place) schema does not match it: \(violation)")
                }
            }
        }
        guard problems.isEmpty else { return CheckResult(.configSchemaValid, .fail, problems.joined(separator: "; ")) }
        let which = checked.count == 2 ? "the compiled schema and the manifest's" : "\(checked.first ?? "the") schema"
        let exampleNote = examples.isEmpty ? "no examples" : examples.count == 1 ? "its example matches" : "its \(examples.count) examples match"
        return CheckResult(.configSchemaValid, .pass, "\(which) compile as JSON Schema draft 2020-12; \(exampleNote)")
    }
}
