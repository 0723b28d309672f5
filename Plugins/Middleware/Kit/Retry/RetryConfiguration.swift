import Foundation
import ManifoldJSON
import ManifoldPluginKit

/// The config of a `retry` middleware.
///
/// ```json
/// {"maxAttempts": 4, "initialBackoffSeconds": 0.5, "maxBackoffSeconds": 8, "multiplier": 2,
///  "jitter": 0.2, "retryOn": ["timed out", "HTTP 5"]}
/// ```
public struct RetryConfiguration: Decodable, Sendable {
    /// Attempts in all, the first included (default 3).
    public var maxAttempts: Int?
    /// The pause before the second attempt (default 0.2 s).
    public var initialBackoffSeconds: Double?
    /// The longest pause (default 10 s).
    public var maxBackoffSeconds: Double?
    /// How much each pause grows (default 2).
    public var multiplier: Double?
    /// The fraction (0 to 1) by which each pause is randomly shortened (default 0.2), so
    /// retries of many nodes do not fire in step.
    public var jitter: Double?
    /// Which failures are retried: `"all"` (default) or a list of substrings, one of which
    /// the error's message must contain. Cancellation is never retried.
    public var retryOn: RetryMatch?
    /// Whether to retry an input after the node already emitted an output for it (default false).
    public var retryAfterOutput: Bool?

    /// Creates a configuration; every setting has a default.
    public init(
        maxAttempts: Int? = nil, initialBackoffSeconds: Double? = nil, maxBackoffSeconds: Double? = nil,
        multiplier: Double? = nil, jitter: Double? = nil, retryOn: RetryMatch? = nil, retryAfterOutput: Bool? = nil
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
        self.multiplier = multiplier
        self.jitter = jitter
        self.retryOn = retryOn
        self.retryAfterOutput = retryAfterOutput
    }

    /// The JSON Schema of the config; `manifests/plugins/retry.json` carries the same.
    static let schema: JSONValue = [
        "type": "object",
        "additionalProperties": false,
        "properties": [
            "maxAttempts": ["type": "integer", "minimum": 1, "maximum": 100],
            "initialBackoffSeconds": ["type": "number", "minimum": 0],
            "maxBackoffSeconds": ["type": "number", "minimum": 0],
            "multiplier": ["type": "number", "minimum": 1],
            "jitter": ["type": "number", "minimum": 0, "maximum": 1],
            "retryOn": [
                "anyOf": [
                    ["const": "all"],
                    ["type": "array", "minItems": 1, "items": ["type": "string", "minLength": 1]],
                ]
            ],
            "retryAfterOutput": ["type": "boolean"],
        ],
    ]

    /// The policy this config describes.
    ///
    /// - Throws: `ConfigurationError` for values out of range.
    func policy() throws -> RetryPolicy {
        let policy = RetryPolicy(
            maxAttempts: maxAttempts ?? 3, initialBackoff: initialBackoffSeconds ?? 0.2, maxBackoff: maxBackoffSeconds ?? 10,
            multiplier: multiplier ?? 2, jitter: jitter ?? 0.2, match: retryOn ?? .all,
            retryAfterOutput: retryAfterOutput ?? false)
        if policy.maxAttempts < 1 {
            throw ConfigurationError(message: "config.maxAttempts must be at least 1, got \(policy.maxAttempts)")
        }
        if !(policy.initialBackoff >= 0) || !(policy.maxBackoff >= 0) {
            throw ConfigurationError(message: "config.initialBackoffSeconds and config.maxBackoffSeconds must not be negative")
        }
        if !(policy.multiplier >= 1) {
            throw ConfigurationError(message: "config.multiplier must be at least 1, got \(policy.multiplier)")
        }
        if !(0...1).contains(policy.jitter) {
            throw ConfigurationError(message: "config.jitter must be between 0 and 1, got \(policy.jitter)")
        }
        if case .substrings(let list) = policy.match, list.isEmpty || list.contains(where: \.isEmpty) {
            throw ConfigurationError(message: "config.retryOn must be \"all\" or a list of non-empty substrings")
        }
        return policy
    }
}

/// Which failures a retry middleware retries.
public enum RetryMatch: Decodable, Sendable, Hashable {
    /// Every failure but cancellation.
    case all
    /// Failures whose message contains one of these substrings.
    case substrings([String])

    /// Decodes `"all"` or an array of strings.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard text == "all" else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "retryOn must be \"all\" or a list of substrings, got \"\(text)\"")
            }
            self = .all
        } else {
            self = .substrings(try container.decode([String].self))
        }
    }
}

/// When and how long a retry middleware waits.
struct RetryPolicy: Sendable {
    var maxAttempts: Int
    var initialBackoff: Double
    var maxBackoff: Double
    var multiplier: Double
    var jitter: Double
    var match: RetryMatch
    var retryAfterOutput: Bool

    /// Whether `error` is one to retry.
    func matches(_ error: any Error) -> Bool {
        switch match {
        case .all: return true
        case .substrings(let list):
            let message = "\(error)"
            return list.contains { message.contains($0) }
        }
    }

    /// The pause after failed attempt number `attempt` (1-based): exponential, capped, then
    /// shortened by up to `jitter` of itself. `random` is in 0..<1.
    func backoff(afterAttempt attempt: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        let exponential = initialBackoff * pow(multiplier, Double(attempt - 1))
        let capped = min(maxBackoff, exponential.isFinite ? exponential : maxBackoff)
        return .seconds(capped * (1 - jitter * random))
    }
}
