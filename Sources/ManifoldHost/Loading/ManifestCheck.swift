import Manifold
import ManifoldJSON
import ManifoldManifest

/// The cross-check between a plugin's manifest and its compiled descriptor: the manifest is
/// what `validate` and `inspect` trust without running plugin code, so any disagreement
/// with the library is refused.
package enum ManifestCheck {
    static func verify(descriptor: PluginDescriptor, sha256: String, against manifest: PluginManifest, library: String) throws {
        if let expected = manifest.sha256?.lowercased(), expected != sha256 {
            throw PluginLoadError(
                file: library, kind: .checksumMismatch,
                problem: "SHA-256 is \(sha256) but the manifest \(manifest.file) expects \(expected): the library is not the one the manifest was written for",
                fix: "rebuild or reinstall the plugin, or update \"sha256\" in the manifest if this library is trusted")
        }
        let differences = differences(descriptor: descriptor, against: manifest)
        guard differences.isEmpty else {
            throw PluginLoadError(
                file: library, kind: .manifestMismatch,
                problem: "the library disagrees with its manifest \(manifest.file):\n    "
                    + differences.joined(separator: "\n    "),
                fix: "regenerate the manifest from the library (`manifold inspect --manifest \(library)`) or rebuild the library")
        }
    }

    /// Every field the manifest states that the descriptor contradicts, one line each
    /// (`kind: manifest says middleware, library says generator`); empty when they agree.
    package static func differences(descriptor: PluginDescriptor, against manifest: PluginManifest) -> [String] {
        var differences: [String] = []
        func compare(_ field: String, _ inManifest: String, _ inLibrary: String) {
            if inManifest != inLibrary {
                differences.append("\(field): manifest says \(inManifest), library says \(inLibrary)")
            }
        }
        compare("name", manifest.name, descriptor.name)
        compare("version", manifest.version, descriptor.version)
        compare("kind", manifest.kind.description, descriptor.kind.description)
        compare("abi", manifest.abi.description, descriptor.abi.description)
        compare("inputs", canonical(manifest.inputs), canonical(descriptor.inputs))
        compare("outputs", canonical(manifest.outputs), canonical(descriptor.outputs))
        compare("concurrent", "\(manifest.allowsConcurrentProcessing)", "\(descriptor.allowsConcurrentProcessing)")
        // `inspect MANIFEST` shows the manifest's description without loading the library: a
        // manifest that states one must state the library's. One that states none is fine.
        if let declared = manifest.description {
            compare("description", quoted(declared), descriptor.summary.map(quoted) ?? "nothing")
        }
        if let declared = manifest.extensions {
            compare("extensions", "[" + declared.joined(separator: ", ") + "]", "[" + descriptor.extensions.joined(separator: ", ") + "]")
        }
        let librarySchema = descriptor.configSchema.flatMap { try? JSONValue(parsing: $0) }
        if let declared = manifest.configSchema, let librarySchema,
            withoutAnnotations(declared) != withoutAnnotations(librarySchema)
        {
            differences.append("configSchema: the manifest's schema differs from the one compiled into the library")
        }
        return differences
    }

    /// Keywords that document a schema without changing what it accepts: a manifest may
    /// carry richer documentation than the compiled schema.
    private static let annotationKeywords: Set<String> = ["description", "title", "examples", "$comment"]

    private static func withoutAnnotations(_ schema: JSONValue) -> JSONValue {
        switch schema {
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (key, value) in members where !annotationKeywords.contains(key) || key == "properties" {
                kept[key] = withoutAnnotations(value)
            }
            // A property named like an annotation keyword is still a property.
            if case .object(let properties)? = members["properties"] {
                kept["properties"] = .object(properties.mapValues(withoutAnnotations))
            }
            return .object(kept)
        case .array(let items):
            return .array(items.map(withoutAnnotations))
        case .number(let value) where value.rounded() == value && abs(value) < 9.0e15:
            return .integer(Int64(value))
        default:
            return schema
        }
    }

    private static func quoted(_ text: String) -> String {
        JSONValue.string(text).jsonText
    }

    private static func canonical(_ types: ArtifactTypeSet) -> String {
        "{" + types.types.map(\.description).sorted().joined(separator: ", ") + "}"
    }
}
