import Logging
import Manifold
import ManifoldJSON
import ManifoldManifest

/// A plugin compiled into the program that embeds the host: Swift generators and middleware
/// registered by name, no library, no manifest. Graphs use them like any other plugin (pass
/// them to `GraphValidator.validate(manifestAt:providers:)`), with the same type and config
/// checks.
public final class InProcessPlugin: PluginProvider {
    public let descriptor: PluginDescriptor
    public let manifest: PluginManifest? = nil
    public let location: String
    private let schema: JSONSchema?
    private let check: (@Sendable (JSONValue) -> [SchemaViolation])?
    private let makeInstance: @Sendable (String, JSONValue, Logger) throws -> Instance

    enum Instance {
        case generator(any Generator)
        case middleware(any Middleware)
    }

    private init(
        name: String, version: String, summary: String?, kind: PluginKind, ports: PortTypes, configSchema: JSONValue?,
        concurrent: Bool, check: (@Sendable (JSONValue) -> [SchemaViolation])?,
        makeInstance: @escaping @Sendable (String, JSONValue, Logger) throws -> Instance
    ) throws {
        descriptor = PluginDescriptor(
            name: name, version: version, summary: summary, kind: kind, abi: .host, structSize: 0,
            allowsConcurrentProcessing: concurrent, inputs: ports.inputs, outputs: ports.outputs,
            configSchema: configSchema.map { String(decoding: $0.serialized(pretty: false), as: UTF8.self) }, extensions: [])
        location = "in-process plugin '\(name)'"
        schema = try configSchema.map { try JSONSchema($0) }
        self.check = check
        self.makeInstance = makeInstance
    }

    /// A generator plugin; `make` gets the node's id, its (validated) config and a logger.
    /// `check` finds what the schema cannot say (a value that must parse), in a config the
    /// schema accepted: its violations are the graph's errors, reported before any instance
    /// of any plugin is made.
    ///
    /// - Throws: `SchemaError` when `configSchema` is not a valid JSON Schema.
    public static func generator(
        name: String, version: String = "1.0.0", summary: String? = nil, ports: PortTypes, configSchema: JSONValue? = nil,
        concurrent: Bool = false, check: (@Sendable (JSONValue) -> [SchemaViolation])? = nil,
        make: @escaping @Sendable (String, JSONValue, Logger) throws -> any Generator
    ) throws -> InProcessPlugin {
        try InProcessPlugin(
            name: name, version: version, summary: summary, kind: .generator, ports: ports, configSchema: configSchema,
            concurrent: concurrent, check: check) { node, config, logger in .generator(try make(node, config, logger)) }
    }

    /// A middleware plugin; `handles` are the input types it takes; `check` as for `generator`.
    ///
    /// - Throws: `SchemaError` when `configSchema` is not a valid JSON Schema.
    public static func middleware(
        name: String, version: String = "1.0.0", summary: String? = nil, handles: ArtifactTypeSet, configSchema: JSONValue? = nil,
        check: (@Sendable (JSONValue) -> [SchemaViolation])? = nil, make: @escaping @Sendable (String, JSONValue, Logger) throws -> any Middleware
    ) throws -> InProcessPlugin {
        try InProcessPlugin(
            name: name, version: version, summary: summary, kind: .middleware, ports: PortTypes(inputs: handles, outputs: handles),
            configSchema: configSchema, concurrent: true, check: check) { node, config, logger in .middleware(try make(node, config, logger)) }
    }

    public func validate(config: JSONValue, redacting redactedPaths: Set<String>) -> [SchemaViolation] {
        let violations = schema?.validate(config, redacting: redactedPaths) ?? []
        guard violations.isEmpty, let check else { return violations }
        return check(config)
    }

    public func generator(for node: String, config: JSONValue, logger: Logger) throws -> any Generator {
        guard case .generator(let generator) = try makeInstance(node, config, logger) else {
            throw kindError(node: node, wanted: .generator)
        }
        return generator
    }

    public func middleware(for node: String, config: JSONValue, logger: Logger) throws -> any Middleware {
        guard case .middleware(let middleware) = try makeInstance(node, config, logger) else {
            throw kindError(node: node, wanted: .middleware)
        }
        return middleware
    }

    private func kindError(node: String, wanted: PluginKind) -> PluginLoadError {
        PluginLoadError(
            file: location, kind: .manifestMismatch,
            problem: "plugin '\(descriptor.name)' is a \(descriptor.kind), but node '\(node)' uses it as a \(wanted)",
            fix: wanted == .middleware ? "list it as the node's plugin, not in its middleware" : "list it in the node's middleware")
    }
}
