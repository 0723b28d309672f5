import CManifoldABI
import Foundation
import Manifold
import ManifoldJSON
import ManifoldManifest
import ManifoldNativeBridge

/// The kind of a plugin: the manifest's type, so a descriptor and its manifest compare directly.
public typealias PluginKind = PluginManifest.Kind

/// An ABI version, major and minor: the manifest's type, read here from a library entry.
public typealias ABIVersion = PluginManifest.ABI

extension PluginManifest.ABI {
    /// A version as a library entry states it.
    public init(_ version: manifold_version) {
        self.init(major: Int(version.major), minor: Int(version.minor))
    }

    /// The ABI version of this host: the one its headers describe.
    public static let host = PluginManifest.ABI(major: Int(MANIFOLD_ABI_VERSION_MAJOR), minor: Int(MANIFOLD_ABI_VERSION_MINOR))
}

/// The extensions the host knows and asks every plugin about.
public enum PluginExtension: String, Sendable, CaseIterable {
    /// Saves and restores an instance's state as bytes, per key (`manifold/ext/state.h`).
    case state = "manifold.state"
    /// Emits without an input, from the plugin's own threads (`manifold/ext/source.h`).
    case source = "manifold.source"
}

/// What a compiled plugin says about itself, copied out of its C descriptor.
public struct PluginDescriptor: Sendable, Hashable {
    /// The plugin's name.
    public var name: String
    /// Its version.
    public var version: String
    /// Its one-line description, if any.
    public var summary: String?
    /// Generator or middleware.
    public var kind: PluginKind
    /// The ABI its library was built against.
    public var abi: ABIVersion
    /// The size of its descriptor struct.
    public var structSize: Int
    /// Whether `process` may run concurrently on one instance.
    public var allowsConcurrentProcessing: Bool
    /// Types it accepts.
    public var inputs: ArtifactTypeSet
    /// Types it may emit.
    public var outputs: ArtifactTypeSet
    /// The JSON Schema of its config, as JSON text, if it gives one.
    public var configSchema: String?
    /// The extensions it offers, by id, sorted.
    public var extensions: [String]
}

extension PluginDescriptor {
    /// Refuses a config schema compiled into a library that is not JSON or that the host's
    /// schema parser cannot apply (a schema the host cannot apply would leave every config
    /// unchecked).
    ///
    /// - Throws: `PluginLoadError.Kind.malformedDescriptor`, with the fix in the library's
    ///   source: a manifest cannot override a compiled schema.
    package static func checkConfigSchema(_ schema: String, plugin name: String, index: Int, file: String) throws {
        func badSchema(_ what: String) -> PluginLoadError {
            PluginLoadError(
                file: file, kind: .malformedDescriptor, problem: "the descriptor of plugin \(index) ('\(name)') \(what)",
                fix: "correct config_schema in the plugin's source and rebuild the library (a manifest cannot override it); "
                    + "docs/plugins.md says which JSON Schema keywords the host supports")
        }
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: schema)
        } catch {
            throw badSchema("has a config_schema that is not JSON: \(error)")
        }
        do {
            _ = try JSONSchema(parsed)
        } catch {
            throw badSchema("has a config_schema that is no valid JSON Schema: \(error)")
        }
    }

    /// The bytes of `manifold_plugin` that ABI 2.0 defines: a descriptor must be at least this big.
    static let minimumStructSize = StructPrefix.size(through: \manifold_plugin.get_extension)

    /// Reads and checks one descriptor of a library's factory: size first, then every field,
    /// with bounds on every count and string (a descriptor is foreign memory).
    ///
    /// - Parameter compilingSchema: `false` takes the config schema as text without compiling
    ///   it (see `LoadedLibrary.open`).
    /// - Throws: `PluginLoadError` for a short struct or a missing or malformed field.
    init(reading pointer: UnsafePointer<manifold_plugin>, abi: ABIVersion, file: String, index: Int, compilingSchema: Bool = true) throws {
        let size = Int(pointer.pointee.struct_size)
        guard size >= Self.minimumStructSize else {
            throw PluginLoadError(
                file: file, kind: .structTooSmall,
                problem: "the descriptor of plugin \(index) has struct_size \(size) bytes, ABI \(abi) needs at least \(Self.minimumStructSize)",
                fix: "set struct_size = sizeof(manifold_plugin) and rebuild against manifold_plugin.h")
        }
        let raw = StructPrefix.read(pointer, declaredSize: size)
        func malformed(_ what: String) -> PluginLoadError {
            PluginLoadError(
                file: file, kind: .malformedDescriptor, problem: "the descriptor of plugin \(index) \(what)",
                fix: "fill every required field of manifold_plugin (see manifold/plugin.h) and rebuild")
        }
        func text(_ pointer: UnsafePointer<CChar>?, _ field: String) throws -> String? {
            guard let pointer else { return nil }
            let length = strnlen(pointer, MANIFOLD_MAX_DESCRIPTOR_STRING + 1)
            guard length <= MANIFOLD_MAX_DESCRIPTOR_STRING else {
                throw malformed("has a \(field) longer than \(MANIFOLD_MAX_DESCRIPTOR_STRING) bytes (not NUL-terminated?)")
            }
            guard let decoded = String(validatingCString: pointer) else { throw malformed("has a \(field) that is not UTF-8") }
            return decoded
        }
        guard let name = try text(raw.name, "name"), !name.isEmpty else { throw malformed("has no name") }
        guard let version = try text(raw.version, "version"), !version.isEmpty else {
            throw malformed("('\(name)') has no version")
        }
        let kind: PluginKind
        switch raw.kind {
        case MANIFOLD_KIND_GENERATOR: kind = .generator
        case MANIFOLD_KIND_MIDDLEWARE: kind = .middleware
        default: throw malformed("('\(name)') has unknown kind \(raw.kind) (1 = generator, 2 = middleware)")
        }
        guard raw.create != nil, raw.process != nil, raw.shutdown != nil, raw.destroy != nil else {
            throw malformed("('\(name)') lacks create, process, shutdown or destroy")
        }
        func types(_ list: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int, _ port: String) throws -> ArtifactTypeSet {
            guard count != 0 else { return [] }
            // size_t arrives as Int: a count past Int.max reads as negative.
            guard count > 0, count <= MANIFOLD_MAX_PORT_TYPES else {
                throw malformed("('\(name)') declares \(UInt(bitPattern: count)) \(port) types; at most \(MANIFOLD_MAX_PORT_TYPES) are allowed")
            }
            guard let list else { throw malformed("('\(name)') declares \(count) \(port) types but no list") }
            var parsed: [ArtifactType] = []
            for index in 0..<count {
                guard let typeText = try text(list[index], "\(port) type") else {
                    throw malformed("('\(name)') has a NULL \(port) type at \(index)")
                }
                do {
                    parsed.append(try ArtifactType(parsing: typeText))
                } catch {
                    throw malformed("('\(name)') has a malformed \(port) type: \(error)")
                }
            }
            return ArtifactTypeSet(parsed)
        }
        let schema = try text(raw.config_schema, "config schema")
        if let schema, compilingSchema {
            try Self.checkConfigSchema(schema, plugin: name, index: index, file: file)
        }
        self.name = name
        self.version = version
        self.summary = try text(raw.description, "description")
        self.kind = kind
        self.abi = abi
        self.structSize = size
        self.allowsConcurrentProcessing = raw.flags & MANIFOLD_PLUGIN_FLAG_CONCURRENT != 0
        self.inputs = try types(raw.input_types, raw.input_type_count, "input")
        self.outputs = try types(raw.output_types, raw.output_type_count, "output")
        self.configSchema = schema
        var offered: [String] = []
        if let getExtension = raw.get_extension {
            for known in PluginExtension.allCases where known.rawValue.withCString({ getExtension(pointer, $0) }) != nil {
                offered.append(known.rawValue)
            }
        }
        self.extensions = offered.sorted()
    }
}
