import Manifold
import ManifoldJSON
import ManifoldPluginKit

/// `schema`: checks JSON payloads against a JSON Schema and rejects those that do not match.
///
/// Which artifacts are JSON: those of the configured `types` (type patterns such as
/// `tool/call`), or by default `application/json` and every type with a `+json` suffix. An
/// invalid payload (or one that is not JSON at all) is rejected with `SchemaRejection`,
/// listing each violation with its JSON path; artifacts of other types pass unless
/// `requireJSON` is set. On inputs the input fails before the generator sees it; on outputs
/// the generator's emit fails, so the input's processing fails with the same message.
public struct SchemaPlugin: MiddlewarePlugin {
    /// The config of a `schema` middleware.
    ///
    /// ```json
    /// {"schema": {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}},
    ///  "types": ["application/json"], "applyTo": "inputs"}
    /// ```
    public struct Configuration: Decodable, Sendable {
        /// The JSON Schema payloads must satisfy (draft 2020-12 subset; see `JSONSchema`).
        public var schema: JSONValue
        /// Type patterns whose payloads are validated; JSON types by default.
        public var types: [String]?
        /// Inputs (default), outputs or both.
        public var applyTo: MiddlewareSide?
        /// Whether artifacts of other types are rejected instead of passed (default false).
        public var requireJSON: Bool?
        /// Whether schema keywords the validator does not know are ignored instead of refused (default false).
        public var allowUnknownKeywords: Bool?

        /// Creates a configuration.
        public init(
            schema: JSONValue, types: [String]? = nil, applyTo: MiddlewareSide? = nil, requireJSON: Bool? = nil,
            allowUnknownKeywords: Bool? = nil
        ) {
            self.schema = schema
            self.types = types
            self.applyTo = applyTo
            self.requireJSON = requireJSON
            self.allowUnknownKeywords = allowUnknownKeywords
        }
    }

    /// The descriptor: name `schema`, any types, its config schema.
    public static let info = PluginInfo(
        name: "schema", version: "1.0.0",
        summary: "Rejects JSON payloads that do not match a JSON Schema, listing each violation with its path.",
        ports: .any,
        configSchema: [
            "type": "object",
            "additionalProperties": false,
            "required": ["schema"],
            "properties": [
                "schema": ["type": ["object", "boolean"]],
                "types": ["type": "array", "minItems": 1, "items": ["type": "string", "minLength": 1]],
                "applyTo": ["enum": ["inputs", "outputs", "both"]],
                "requireJSON": ["type": "boolean"],
                "allowUnknownKeywords": ["type": "boolean"],
            ],
            "examples": [["schema": ["type": "object", "required": ["text"]], "types": ["application/json"], "applyTo": "inputs"]],
        ],
        allowsConcurrentProcessing: true)

    struct Counts: Sendable {
        var checked = 0
        var passedUnchecked = 0
        var rejected = 0
    }

    private let schema: JSONSchema
    private let types: ArtifactTypeSet?
    private let side: MiddlewareSide
    private let requiresJSON: Bool
    private let counts = Tally(Counts())
    private let log: MiddlewareLog

    /// Makes the middleware for a node.
    public init(configuration: Configuration, host: PluginHost) throws {
        try self.init(configuration: configuration, log: { level, message in host.log(level, message) })
    }

    /// Makes the middleware in-process; `log` receives the shutdown report.
    ///
    /// - Throws: `ConfigurationError` for an invalid schema (every problem, with its path) or type pattern.
    public init(configuration: Configuration, log: @escaping MiddlewareLog = { _, _ in }) throws {
        do {
            schema = try JSONSchema(configuration.schema, allowUnknownKeywords: configuration.allowUnknownKeywords ?? false)
        } catch {
            throw ConfigurationError(message: "config.schema is not a usable JSON Schema: \(error)")
        }
        do {
            types = try configuration.types.map { try ArtifactTypeSet(parsing: $0) }
        } catch {
            throw ConfigurationError(message: "config.types: \(error)")
        }
        side = configuration.applyTo ?? .inputs
        requiresJSON = configuration.requireJSON ?? false
        self.log = log
    }

    /// Validates the input and/or the outputs, then passes them on.
    public func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        if side.coversInputs { try check(input, node: context.node, direction: "input") }
        guard side.coversOutputs else {
            try await next(input, context)
            return
        }
        try await next(
            input,
            context.interceptingEmits { output, emit in
                try check(output, node: context.node, direction: "output")
                try await emit(output)
            })
    }

    /// Whether `type` is one whose payloads are validated.
    func isJSONType(_ type: ArtifactType) -> Bool {
        if let types { return types.accepts(type) }
        return ArtifactType.json.accepts(type) || type.suffix == "json"
    }

    /// Throws `SchemaRejection` when `artifact` must be rejected.
    private func check(_ artifact: Artifact, node: String, direction: String) throws {
        guard isJSONType(artifact.type) else {
            guard requiresJSON else {
                counts.update { $0.passedUnchecked += 1 }
                return
            }
            throw reject(
                artifact, node: node, direction: direction,
                problems: ["its type \(artifact.type) is not one validated here (\(types?.description ?? "JSON types")) and requireJSON is set"])
        }
        counts.update { $0.checked += 1 }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: artifact.payload)
        } catch {
            // The parser's own words: the line, column and byte, the path of a duplicate key.
            throw reject(artifact, node: node, direction: direction, problems: ["$: the payload is not valid JSON: \(error)"])
        }
        let violations = schema.validate(value)
        if !violations.isEmpty {
            throw reject(artifact, node: node, direction: direction, problems: violations.map(\.description))
        }
    }

    private func reject(_ artifact: Artifact, node: String, direction: String, problems: [String]) -> SchemaRejection {
        counts.update { $0.rejected += 1 }
        return SchemaRejection(node: node, direction: direction, artifact: artifact.id, type: artifact.type, problems: problems)
    }

    /// Logs the counts.
    public func shutdown() async {
        let counts = counts.snapshot
        log(
            counts.rejected > 0 ? .warning : .info,
            "schema: \(counts.checked) payloads validated, \(counts.rejected) rejected, \(counts.passedUnchecked) of other types passed")
    }
}

/// A payload failed its node's schema.
public struct SchemaRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The node.
    public let node: String
    /// `input` or `output`.
    public let direction: String
    /// The rejected artifact.
    public let artifact: ArtifactID
    /// Its type.
    public let type: ArtifactType
    /// Each problem, most as `path: message` (`$.city: expected string, got integer 3`).
    public let problems: [String]

    /// A complete message.
    public var description: String {
        "schema: node '\(node)' rejected \(direction) \(artifact) (\(type)): "
            + "\(problems.count) problem\(problems.count == 1 ? "" : "s"): " + problems.joined(separator: "; ")
    }
}
