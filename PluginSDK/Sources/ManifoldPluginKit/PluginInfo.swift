import Manifold
import ManifoldJSON

/// What a Swift plugin says about itself: the fields of its C descriptor.
public struct PluginInfo: Sendable {
    /// The plugin's name; must match its manifest.
    public var name: String
    /// Its semantic version; must match its manifest.
    public var version: String
    /// One line for `manifold inspect`.
    public var summary: String
    /// Types it takes and emits (for a middleware: the types it handles).
    public var ports: PortTypes
    /// The JSON Schema its config must satisfy; the host validates configs before `init`.
    public var configSchema: JSONValue?
    /// Whether one instance may process several inputs at once.
    public var allowsConcurrentProcessing: Bool

    /// Describes a plugin.
    public init(
        name: String, version: String, summary: String, ports: PortTypes, configSchema: JSONValue? = nil,
        allowsConcurrentProcessing: Bool = false
    ) {
        self.name = name
        self.version = version
        self.summary = summary
        self.ports = ports
        self.configSchema = configSchema
        self.allowsConcurrentProcessing = allowsConcurrentProcessing
    }
}

/// The config of a plugin that takes none: `{}`.
public struct NoConfiguration: Codable, Sendable, Equatable {
    /// The empty config.
    public init() {}
}

/// A generator that can be exported from a shared library.
///
/// ```swift
/// struct Echo: GeneratorPlugin {
///     struct Configuration: Decodable, Sendable { var prefix: String? }
///     static let info = PluginInfo(name: "echo", version: "1.0.0", summary: "Echoes text.",
///                                  ports: PortTypes(inputs: [.plainText], outputs: [.plainText]))
///     let prefix: String
///     init(configuration: Configuration, host: PluginHost) { prefix = configuration.prefix ?? "" }
///     var ports: PortTypes { Self.info.ports }
///     func process(_ input: Artifact, context: ProcessingContext) async throws {
///         try await context.emit(.text(prefix + input.text))
///     }
/// }
///
/// @_cdecl("manifold_library_entry")
/// public func manifoldLibraryEntry() -> UnsafeRawPointer? {
///     PluginLibrary.entry(.generator(Echo.self))
/// }
/// ```
public protocol GeneratorPlugin: Generator {
    /// The config, decoded from the node's `config` JSON.
    associatedtype Configuration: Decodable & Sendable
    /// The plugin's descriptor.
    static var info: PluginInfo { get }
    /// Makes an instance for one node.
    ///
    /// - Throws: any error; its description reaches the user as the reason `create` failed.
    init(configuration: Configuration, host: PluginHost) throws
}

/// A middleware that can be exported from a shared library; see `GeneratorPlugin`.
public protocol MiddlewarePlugin: Middleware {
    /// The config, decoded from the middleware's `config` JSON.
    associatedtype Configuration: Decodable & Sendable
    /// The plugin's descriptor.
    static var info: PluginInfo { get }
    /// Makes an instance for one node.
    init(configuration: Configuration, host: PluginHost) throws
}

extension GeneratorPlugin {
    /// The ports from `info`.
    public var ports: PortTypes { Self.info.ports }
}

extension MiddlewarePlugin {
    /// The name from `info`.
    public var name: String { Self.info.name }
}
