import Manifold
import ManifoldJSON

/// Checks a plugin manifest's JSON and builds a `PluginManifest`, collecting every error.
enum PluginManifestParser {
    static let keys = [
        "$schema", "manifestVersion", "name", "version", "abi", "kind", "library", "description", "inputs", "outputs", "configSchema", "sha256",
        "runtime", "extensions", "concurrent",
    ]

    static func parse(_ json: JSONValue, context: ManifestContext) throws(ManifestErrors) -> PluginManifest {
        guard let reader = JSONObjectReader(json, at: JSONPath.root, what: "the plugin manifest", allowedKeys: keys, context: context) else {
            throw ManifestErrors(context.errors)
        }
        _ = reader.string("$schema")
        let manifestVersion = reader.integer("manifestVersion", required: true, example: "1")
        if let manifestVersion, !PluginManifest.supportedManifestVersions.contains(manifestVersion) {
            context.error(
                reader.path("manifestVersion"), "manifest version \(manifestVersion) is not supported; this Manifold reads version 1",
                fix: "write \"manifestVersion\": 1, or upgrade Manifold")
        }
        let name = reader.string("name", required: true, example: "\"uppercase\"")
        if let name, let problem = NameRules.pluginNameProblem(name) {
            context.error(reader.path("name"), problem, fix: "e.g. \"my-plugin\"")
        }
        let version = reader.string("version", required: true, example: "\"1.0.0\"")
        if let version, let problem = NameRules.versionProblem(version) {
            context.error(reader.path("version"), problem, fix: "write MAJOR.MINOR.PATCH, e.g. \"1.0.0\" or \"2.1.0-beta.1\"")
        }
        let abi = parseABI(reader, context: context)
        let kind = reader.choice("kind", PluginManifest.Kind.self, what: "plugin kind", required: true)
        let library = reader.string("library", required: true, example: "\"libManifoldUppercase.so\"")
        let description = reader.string("description", nonEmpty: false)
        let extensionsValue = reader.members["extensions"]?.arrayValue ?? []
        let isSource = extensionsValue.contains { $0.stringValue == "manifold.source" }
        let inputs = typeSet("inputs", reader, allowEmpty: isSource, context: context)
        let outputs = typeSet("outputs", reader, context: context)
        let (configSchema, parsedSchema) = parseSchema(reader, context: context)
        var sha256 = reader.string("sha256", example: "\"<64 hex digits>\"")
        if let digest = sha256, !NameRules.isSHA256(digest) {
            context.error(
                reader.path("sha256"), "sha256 must be 64 hexadecimal digits, got \(digest.count) character\(digest.count == 1 ? "" : "s")",
                fix: "write the output of `sha256sum` for the library, or remove the key")
            sha256 = nil
        }
        let runtime = reader.choice("runtime", PluginManifest.Runtime.self, what: "plugin runtime") ?? .native
        let extensions = parseExtensions(reader, context: context)
        let concurrent = reader.bool("concurrent") ?? false
        try context.throwIfFailed()
        guard let manifestVersion, let name, let version, let abi, let kind, let library, let inputs, let outputs else {
            throw ManifestErrors([ManifestError(file: context.file, jsonPath: JSONPath.root, message: "the manifest is incomplete")])
        }
        return PluginManifest(
            file: context.file, manifestVersion: manifestVersion, name: name, version: version, abi: abi, kind: kind,
            library: library, description: description, inputs: inputs, outputs: outputs, configSchema: configSchema,
            parsedConfigSchema: parsedSchema, sha256: sha256?.lowercased(), runtime: runtime, extensions: extensions,
            allowsConcurrentProcessing: concurrent)
    }

    /// Reads `extensions`: ids of ABI extensions the host knows, each once.
    private static func parseExtensions(_ reader: JSONObjectReader, context: ManifestContext) -> [String]? {
        guard let items = reader.strings("extensions", example: "[\"manifold.source\"]") else { return nil }
        var seen: Set<String> = []
        for (text, path) in items {
            if !PluginManifest.knownExtensions.contains(text) {
                context.error(
                    path, "unknown extension \(NameRules.quoted(text))",
                    fix: "list only extensions this host knows: \(PluginManifest.knownExtensions.joined(separator: ", "))")
            } else if !seen.insert(text).inserted {
                context.error(path, "extension \(NameRules.quoted(text)) is listed twice", fix: "list it once")
            }
        }
        return seen.sorted()
    }

    private static func parseABI(_ reader: JSONObjectReader, context: ManifestContext) -> PluginManifest.ABI? {
        guard let value = reader.value("abi", required: true, example: "\"1.0\"") else { return nil }
        guard let text = value.stringValue else {
            context.error(
                reader.path("abi"), "expected a string \"MAJOR.MINOR\", got \(value.messageDescription())",
                fix: "write it in double quotes, e.g. \"abi\": \"1.0\"")
            return nil
        }
        guard let (major, minor) = NameRules.parseABI(text) else {
            context.error(reader.path("abi"), "ABI version \(NameRules.quoted(text)) is not MAJOR.MINOR", fix: "write e.g. \"1.0\"")
            return nil
        }
        return PluginManifest.ABI(major: major, minor: minor)
    }

    /// Reads `inputs` or `outputs`: a non-empty array of artifact types (a source's inputs may
    /// be empty: it takes none).
    private static func typeSet(
        _ key: String, _ reader: JSONObjectReader, allowEmpty: Bool = false, context: ManifestContext
    ) -> ArtifactTypeSet? {
        guard let items = reader.strings(key, required: true, example: "[\"text/plain\"]") else { return nil }
        guard allowEmpty || reader.members[key]?.arrayValue?.isEmpty == false else {
            context.error(
                reader.path(key), "declares no types",
                fix: "list at least one type (\"*/*\" stands for any); only a source (\"extensions\": [\"manifold.source\"]) may take none")
            return nil
        }
        return parseTypes(items, context: context)
    }

    /// Parses each string as an `ArtifactType`, reporting the parser's message at its path.
    static func parseTypes(_ items: [(text: String, path: String)], context: ManifestContext) -> ArtifactTypeSet {
        var types: [ArtifactType] = []
        for (text, path) in items {
            do {
                types.append(try ArtifactType(parsing: text))
            } catch {
                context.error(path, "\(error)")
            }
        }
        return ArtifactTypeSet(types)
    }

    private static func parseSchema(_ reader: JSONObjectReader, context: ManifestContext) -> (JSONValue?, JSONSchema?) {
        guard let value = reader.value("configSchema") else { return (nil, nil) }
        switch value {
        case .object, .bool: break
        default:
            context.error(reader.path("configSchema"), "expected a JSON Schema (an object), got \(value.messageDescription())")
            return (nil, nil)
        }
        do {
            return (value, try JSONSchema(value))
        } catch {
            for problem in error.problems {
                context.error(
                    JSONPath.rebase(problem.path, under: reader.path("configSchema")), "invalid JSON Schema: \(problem.message)")
            }
            return (value, nil)
        }
    }
}
