import Manifold
import ManifoldJSON
import ManifoldPluginKit

/// `redact`: masks secrets and personal data in payloads and metadata values before they
/// leave a node (or before the node sees them).
///
/// Built-in sets: `api-keys` (`sk-…` keys, AWS `AKIA…`/`ASIA…` ids, `Bearer …` tokens),
/// `emails`, `credit-cards` (13–19 digits, grouped or not, Luhn-checked) and `ipv4`; plus
/// custom regular expressions. Every masked match is counted per set and reported at shutdown.
public struct RedactPlugin: MiddlewarePlugin {
    /// The config of a `redact` middleware.
    ///
    /// ```json
    /// {"patterns": ["api-keys", "emails"], "custom": [{"name": "ticket", "regex": "TICKET-[0-9]+"}],
    ///  "applyTo": "outputs", "replacement": "[{name} removed]"}
    /// ```
    public struct Configuration: Decodable, Sendable {
        /// Built-in sets to use; all of them when absent (an empty list uses none).
        public var patterns: [String]?
        /// Custom patterns, applied after the built-in ones.
        public var custom: [CustomPattern]?
        /// Inputs, outputs (default) or both.
        public var applyTo: MiddlewareSide?
        /// What replaces a match (default `[REDACTED]`); `{name}` stands for the set's name.
        public var replacement: String?
        /// Whether metadata values are masked too (default true).
        public var metadata: Bool?

        /// Creates a configuration.
        public init(
            patterns: [String]? = nil, custom: [CustomPattern]? = nil, applyTo: MiddlewareSide? = nil,
            replacement: String? = nil, metadata: Bool? = nil
        ) {
            self.patterns = patterns
            self.custom = custom
            self.applyTo = applyTo
            self.replacement = replacement
            self.metadata = metadata
        }
    }

    /// A custom pattern: a name for counts and `{name}`, and an ICU regular expression.
    public struct CustomPattern: Decodable, Sendable, Hashable {
        /// The name.
        public var name: String
        /// The regular expression.
        public var regex: String

        /// Creates a pattern.
        public init(name: String, regex: String) {
            self.name = name
            self.regex = regex
        }
    }

    /// The descriptor: name `redact`, any types, its config schema.
    public static let info = PluginInfo(
        name: "redact", version: "1.0.0",
        summary: "Masks API keys, emails, card numbers, IPv4 addresses and custom patterns in payloads and metadata.",
        ports: .any,
        configSchema: [
            "type": "object",
            "additionalProperties": false,
            "properties": [
                "patterns": [
                    "type": "array", "uniqueItems": true,
                    "items": ["enum": .array(BuiltInRedactions.names.map(JSONValue.string))],
                ],
                "custom": [
                    "type": "array",
                    "items": [
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["name", "regex"],
                        "properties": [
                            "name": ["type": "string", "minLength": 1],
                            "regex": ["type": "string", "minLength": 1],
                        ],
                    ],
                ],
                "applyTo": ["enum": ["inputs", "outputs", "both"]],
                "replacement": ["type": "string"],
                "metadata": ["type": "boolean"],
            ],
        ],
        allowsConcurrentProcessing: true)

    struct Counts: Sendable {
        var artifacts = 0
        var redactedArtifacts = 0
        var matches: [String: Int] = [:]
    }

    private let redactor: Redactor
    private let side: MiddlewareSide
    private let counts = Tally(Counts())
    private let log: MiddlewareLog

    /// Makes the middleware for a node.
    public init(configuration: Configuration, host: PluginHost) throws {
        try self.init(configuration: configuration, log: { level, message in host.log(level, message) })
    }

    /// Makes the middleware in-process; `log` receives the shutdown report.
    ///
    /// - Throws: `ConfigurationError` for an unknown set or an invalid regular expression.
    public init(configuration: Configuration, log: @escaping MiddlewareLog = { _, _ in }) throws {
        var rules: [RedactionRule] = []
        for (index, name) in (configuration.patterns ?? BuiltInRedactions.names).enumerated() {
            guard let set = BuiltInRedactions.rules(named: name) else {
                throw ConfigurationError(
                    message: "config.patterns[\(index)]: unknown set '\(name)'; the built-in sets are "
                        + BuiltInRedactions.names.joined(separator: ", ") + " (use config.custom for your own)")
            }
            rules += set
        }
        for (index, pattern) in (configuration.custom ?? []).enumerated() {
            guard !pattern.name.isEmpty else {
                throw ConfigurationError(message: "config.custom[\(index)].name must not be empty")
            }
            do {
                rules.append(try RedactionRule(name: pattern.name, pattern: pattern.regex))
            } catch {
                throw ConfigurationError(
                    message: "config.custom[\(index)].regex ('\(pattern.name)') is not a valid regular expression: \(error)")
            }
        }
        redactor = Redactor(
            rules: rules, replacement: configuration.replacement ?? "[REDACTED]", coversMetadata: configuration.metadata ?? true)
        side = configuration.applyTo ?? .outputs
        self.log = log
    }

    /// Masks the input and/or the outputs, then passes them on.
    public func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        let masked = side.coversInputs ? redact(input) : input
        guard side.coversOutputs else {
            try await next(masked, context)
            return
        }
        try await next(masked, context.interceptingEmits { output, emit in try await emit(redact(output)) })
    }

    /// `artifact` with every match masked, counted.
    public func redact(_ artifact: Artifact) -> Artifact {
        var found: Redactor.Counts = [:]
        let result = redactor.redact(artifact, counting: &found)
        counts.update { counts in
            counts.artifacts += 1
            if !found.isEmpty { counts.redactedArtifacts += 1 }
            counts.matches.merge(found, uniquingKeysWith: +)
        }
        return result
    }

    /// Logs the counts.
    public func shutdown() async {
        let counts = counts.snapshot
        let bySet = counts.matches.keys.sorted().map { "\($0) \(counts.matches[$0]!)" }.joined(separator: ", ")
        log(
            .info,
            "redact: \(counts.matches.values.reduce(0, +)) matches masked in \(counts.redactedArtifacts) of "
                + "\(counts.artifacts) artifacts" + (bySet.isEmpty ? "" : " (\(bySet))"))
    }
}
