import Foundation
import Manifold
import ManifoldJSON

/// The JSON file beside a plugin library that says what the plugin is, without running it:
/// `validate` and `inspect` trust it, and the host cross-checks it against the compiled
/// descriptor when the library is loaded.
///
/// ```json
/// { "manifestVersion": 1, "name": "uppercase", "version": "1.0.0", "abi": "2.0",
///   "kind": "generator", "library": "libManifoldUppercase.so", "description": "Uppercases text.",
///   "inputs": ["text/plain"], "outputs": ["text/plain"],
///   "configSchema": { "type": "object", "properties": {…}, "additionalProperties": false },
///   "sha256": "…64 hex digits of the library…" }
/// ```
///
/// Required: `manifestVersion` (1), `name`, `version`, `abi`, `kind`, `library`, `inputs`,
/// `outputs` (each at least one type). Optional: `description`, `configSchema`, `sha256`,
/// `runtime` (how the host runs the plugin; `native`, the default, loads the library into the
/// host), `extensions` (the ABI extensions the library offers, e.g. `manifold.source`),
/// `concurrent` (whether one instance may process several inputs at once; default false), and
/// `$schema` (for editors; ignored).
/// Any other key is an error. `manifests/schema/plugin.schema.json` describes the same format
/// for editors.
public struct PluginManifest: Sendable {
    /// The manifest format versions this code reads.
    public static let supportedManifestVersions = [1]

    /// What a plugin is.
    public enum Kind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Takes a stream of artifacts in and produces a stream out; a graph node's `plugin`.
        case generator
        /// Wraps a generator; listed in a node's `middleware`.
        case middleware

        /// The raw value.
        public var description: String { rawValue }
    }

    /// How the host runs a plugin; each runtime is a plugin provider of the host.
    public enum Runtime: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The library is loaded into the host process with `dlopen`.
        case native
        /// Each node of the plugin runs in a supervised worker process of its own, as a node
        /// with `"isolation": "process"` does.
        case process

        /// The raw value.
        public var description: String { rawValue }
    }

    /// The extensions of the ABI the host knows; a manifest may list only these.
    public static let knownExtensions = ["manifold.source", "manifold.state"]

    /// The plugin ABI version the library was built against, `MAJOR.MINOR`.
    public struct ABI: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// Changes when the ABI breaks; must equal the host's.
        public let major: Int
        /// Grows when the ABI gains fields or functions; must not be newer than the host's.
        public let minor: Int

        /// Makes a version.
        public init(major: Int, minor: Int) {
            self.major = major
            self.minor = minor
        }

        /// `1.0`.
        public var description: String { "\(major).\(minor)" }

        /// Orders by major, then minor.
        public static func < (lhs: ABI, rhs: ABI) -> Bool { (lhs.major, lhs.minor) < (rhs.major, rhs.minor) }
    }

    /// The manifest file this was read from, as given (or the name passed to `parse`).
    public let file: String
    /// The manifest format version (`manifestVersion`).
    public let manifestVersion: Int
    /// The plugin's name, as graphs refer to it: `[a-z0-9][a-z0-9-_.]*`.
    public let name: String
    /// The plugin's version, `MAJOR.MINOR[.PATCH][-PRERELEASE][+BUILD]`.
    public let version: String
    /// The ABI version the library was built against.
    public let abi: ABI
    /// Generator or middleware.
    public let kind: Kind
    /// The library file as written: a file name or path, relative to the manifest's folder
    /// unless absolute.
    public let library: String
    /// What the plugin does, for `inspect`.
    public let description: String?
    /// The types it accepts.
    public let inputs: ArtifactTypeSet
    /// The types it emits.
    public let outputs: ArtifactTypeSet
    /// The JSON Schema of its config, as written.
    public let configSchema: JSONValue?
    /// `configSchema`, parsed and checked.
    public let parsedConfigSchema: JSONSchema?
    /// SHA-256 of the library, lowercased, when the manifest pins it.
    public let sha256: String?
    /// How the host runs the plugin.
    public let runtime: Runtime
    /// The extensions the plugin offers, sorted; `nil` when the manifest does not say.
    public let extensions: [String]?

    /// Whether one instance may process several inputs at once (`concurrent`; the library's
    /// `MANIFOLD_PLUGIN_FLAG_CONCURRENT`).
    public let allowsConcurrentProcessing: Bool

    /// Whether the plugin can emit without inputs (`manifold.source`), as far as the manifest says.
    public var isSource: Bool { extensions?.contains("manifold.source") == true }

    init(
        file: String, manifestVersion: Int, name: String, version: String, abi: ABI, kind: Kind, library: String,
        description: String?, inputs: ArtifactTypeSet, outputs: ArtifactTypeSet, configSchema: JSONValue?,
        parsedConfigSchema: JSONSchema?, sha256: String?, runtime: Runtime = .native, extensions: [String]? = nil,
        allowsConcurrentProcessing: Bool = false
    ) {
        self.allowsConcurrentProcessing = allowsConcurrentProcessing
        self.file = file
        self.manifestVersion = manifestVersion
        self.name = name
        self.version = version
        self.abi = abi
        self.kind = kind
        self.library = library
        self.description = description
        self.inputs = inputs
        self.outputs = outputs
        self.configSchema = configSchema
        self.parsedConfigSchema = parsedConfigSchema
        self.sha256 = sha256
        self.runtime = runtime
        self.extensions = extensions
    }

    /// The library's path: `library` itself when absolute, otherwise resolved against the
    /// manifest's folder.
    public var libraryPath: String {
        if library.hasPrefix("/") { return library }
        let folder = (file as NSString).deletingLastPathComponent
        return ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(library)
    }

    /// Checks a config against `configSchema`; empty when valid or when there is no schema.
    ///
    /// - Parameter redactedPaths: paths in `config` (starting with `$`) whose values came
    ///   from the environment; messages show `***` for them.
    public func validate(config: JSONValue, redacting redactedPaths: Set<String> = []) -> [SchemaViolation] {
        parsedConfigSchema?.validate(config, redacting: redactedPaths) ?? []
    }

    /// Reads and checks the manifest at `path`.
    ///
    /// - Throws: `ManifestErrors` with every problem: a missing file, JSON syntax (with line
    ///   and column), unknown or missing keys, wrong types, invalid values.
    public static func load(from path: String) throws(ManifestErrors) -> PluginManifest {
        let source = try ManifestFile.read(path, kind: "plugin manifest")
        let context = ManifestContext(file: path, keyOrder: source.keyOrder)
        ManifestFile.reportDuplicates(of: source, in: context)
        return try PluginManifestParser.parse(source.value, context: context)
    }

    /// Parses manifest text; `file` names it in errors.
    public static func parse(data: Data, file: String) throws(ManifestErrors) -> PluginManifest {
        let source = try ManifestFile.parse(data, file: file)
        let context = ManifestContext(file: file, keyOrder: source.keyOrder)
        ManifestFile.reportDuplicates(of: source, in: context)
        return try PluginManifestParser.parse(source.value, context: context)
    }

    /// Checks a manifest given as a JSON value; `file` names it in errors.
    public static func parse(_ json: JSONValue, file: String) throws(ManifestErrors) -> PluginManifest {
        try PluginManifestParser.parse(json, context: ManifestContext(file: file))
    }
}
