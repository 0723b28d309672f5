import CManifoldABI
import CManifoldSystem
import Manifold
import ManifoldManifest

/// The kind of a plugin: the manifest's type, so a descriptor and its manifest compare directly.
public typealias PluginKind = PluginManifest.Kind

/// An ABI version, major and minor: the manifest's type, read here from a descriptor.
public typealias ABIVersion = PluginManifest.ABI

extension PluginManifest.ABI {
    /// A version from its packed form in a descriptor (major in the high 16 bits).
    public init(packed: UInt32) {
        self.init(major: Int(packed >> 16), minor: Int(packed & 0xffff))
    }

    /// The ABI version of this host.
    public static let host = PluginManifest.ABI(
        major: Int(manifold_host_abi_major()), minor: Int(manifold_host_abi_minor()))
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
    /// The ABI it was built against.
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
}

extension PluginDescriptor {
    /// The bytes of `manifold_plugin` that ABI 1.0 defines: a descriptor must be at least this big.
    static let minimumStructSize =
        MemoryLayout<manifold_plugin>.offset(of: \manifold_plugin.get_extension)! + MemoryLayout<UnsafeRawPointer>.size

    /// Reads and checks a descriptor: version first, then size, then every field.
    ///
    /// - Throws: `PluginLoadError` for an incompatible ABI, a short struct, or a missing field.
    init(reading pointer: UnsafePointer<manifold_plugin>, file: String) throws {
        // Only the first two fields are read before the version and size are known good.
        let abi = ABIVersion(packed: pointer.pointee.abi_version)
        let host = ABIVersion.host
        guard abi.major == host.major else {
            throw PluginLoadError(
                file: file, kind: .abiMajorMismatch,
                problem: "plugin built against ABI \(abi), this host speaks ABI \(host.major).x",
                fix: abi.major < host.major
                    ? "rebuild the plugin against this host's manifold_plugin.h"
                    : "upgrade the host to one that supports ABI \(abi.major).x, or rebuild the plugin against ABI \(host)")
        }
        guard abi.minor <= host.minor else {
            throw PluginLoadError(
                file: file, kind: .abiTooNew,
                problem: "plugin built against ABI \(abi), this host supports up to \(host)",
                fix: "rebuild the plugin against this host's header or upgrade the host")
        }
        let size = Int(pointer.pointee.struct_size)
        guard size >= Self.minimumStructSize else {
            throw PluginLoadError(
                file: file, kind: .structTooSmall,
                problem: "descriptor struct_size is \(size) bytes, ABI \(abi) needs at least \(Self.minimumStructSize)",
                fix: "set struct_size = sizeof(manifold_plugin) and rebuild against manifold_plugin.h")
        }
        let raw = pointer.pointee
        func malformed(_ what: String) -> PluginLoadError {
            PluginLoadError(
                file: file, kind: .malformedDescriptor, problem: "descriptor \(what)",
                fix: "fill every required field of manifold_plugin (see manifold_plugin.h) and rebuild")
        }
        guard let name = raw.name.map({ String(cString: $0) }), !name.isEmpty else { throw malformed("has no name") }
        guard let version = raw.version.map({ String(cString: $0) }), !version.isEmpty else {
            throw malformed("of '\(name)' has no version")
        }
        let kind: PluginKind
        switch raw.kind {
        case MANIFOLD_KIND_GENERATOR: kind = .generator
        case MANIFOLD_KIND_MIDDLEWARE: kind = .middleware
        default: throw malformed("of '\(name)' has unknown kind \(raw.kind) (1 = generator, 2 = middleware)")
        }
        guard raw.create != nil, raw.process != nil, raw.shutdown != nil, raw.destroy != nil else {
            throw malformed("of '\(name)' lacks create, process, shutdown or destroy")
        }
        func types(_ list: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int, _ port: String) throws -> ArtifactTypeSet {
            guard count > 0 else { return [] }
            guard let list else { throw malformed("of '\(name)' declares \(count) \(port) types but no list") }
            var parsed: [ArtifactType] = []
            for index in 0..<count {
                guard let text = list[index] else { throw malformed("of '\(name)' has a NULL \(port) type at \(index)") }
                do {
                    parsed.append(try ArtifactType(parsing: String(cString: text)))
                } catch {
                    throw malformed("of '\(name)' has a malformed \(port) type: \(error)")
                }
            }
            return ArtifactTypeSet(parsed)
        }
        self.name = name
        self.version = version
        self.summary = raw.description.map { String(cString: $0) }
        self.kind = kind
        self.abi = abi
        self.structSize = size
        self.allowsConcurrentProcessing = raw.flags & manifold_flag_concurrent() != 0
        self.inputs = try types(raw.input_types, raw.input_type_count, "input")
        self.outputs = try types(raw.output_types, raw.output_type_count, "output")
        self.configSchema = raw.config_schema.map { String(cString: $0) }
    }
}
