import Manifold
import ManifoldJSON
import ManifoldPluginKit

/// `rate-limit`: lets inputs through at most `ratePerSecond` on average, in bursts of at
/// most `burst`, using a token bucket.
///
/// An input over the rate waits, sleeping exactly once for the time its token needs to
/// refill (no polling). With `maxWaitSeconds`, an input that would wait longer is rejected
/// at once with `RateLimitError`; rejections are counted and reported at shutdown.
public struct RateLimitPlugin: MiddlewarePlugin {
    /// The config of a `rate-limit` middleware: `{"ratePerSecond": 2, "burst": 5, "maxWaitSeconds": 10}`.
    public struct Configuration: Decodable, Sendable {
        /// Inputs let through per second, on average.
        public var ratePerSecond: Double
        /// Inputs let through at once after a quiet period (default 1).
        public var burst: Int?
        /// The longest an input may wait for its turn; unbounded when absent.
        public var maxWaitSeconds: Double?

        /// Creates a configuration.
        public init(ratePerSecond: Double, burst: Int? = nil, maxWaitSeconds: Double? = nil) {
            self.ratePerSecond = ratePerSecond
            self.burst = burst
            self.maxWaitSeconds = maxWaitSeconds
        }
    }

    /// The descriptor: name `rate-limit`, any types, its config schema.
    public static let info = PluginInfo(
        name: "rate-limit", version: "1.0.0",
        summary: "Spaces inputs to a rate with a token bucket; optionally rejects inputs that would wait too long.",
        ports: .any,
        configSchema: [
            "type": "object",
            "additionalProperties": false,
            "required": ["ratePerSecond"],
            "properties": [
                "ratePerSecond": ["type": "number", "exclusiveMinimum": 0],
                "burst": ["type": "integer", "minimum": 1],
                "maxWaitSeconds": ["type": "number", "minimum": 0],
            ],
            "examples": [["ratePerSecond": 50, "burst": 10]],
        ],
        allowsConcurrentProcessing: true)

    struct Counts: Sendable {
        var passed = 0
        var delayed = 0
        var rejected = 0
        var waited: Duration = .zero
    }

    private let bucket: TokenBucket
    private let maxWait: Duration?
    private let counts = Tally(Counts())
    private let log: MiddlewareLog

    /// Makes the middleware for a node.
    public init(configuration: Configuration, host: PluginHost) throws {
        try self.init(configuration: configuration, log: { level, message in host.log(level, message) })
    }

    /// Makes the middleware in-process; `log` receives the shutdown report.
    public init(configuration: Configuration, log: @escaping MiddlewareLog = { _, _ in }) throws {
        guard configuration.ratePerSecond > 0, configuration.ratePerSecond.isFinite else {
            throw ConfigurationError(message: "config.ratePerSecond must be a positive number, got \(configuration.ratePerSecond)")
        }
        let burst = configuration.burst ?? 1
        guard burst >= 1 else {
            throw ConfigurationError(message: "config.burst must be at least 1, got \(burst)")
        }
        if let wait = configuration.maxWaitSeconds, !(wait >= 0) || !wait.isFinite {
            throw ConfigurationError(message: "config.maxWaitSeconds must not be negative, got \(wait)")
        }
        bucket = TokenBucket(ratePerSecond: configuration.ratePerSecond, burst: burst)
        maxWait = configuration.maxWaitSeconds.map { .seconds($0) }
        self.log = log
    }

    /// Waits for the input's turn (or rejects it), then passes it on.
    public func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        let start = ContinuousClock.now
        switch bucket.reserve(now: start, maxWait: maxWait) {
        case .now:
            break
        case .after(let wait):
            do {
                try await Task.sleep(until: start + wait, clock: .continuous)
            } catch {
                bucket.refund()
                throw error
            }
            counts.update {
                $0.delayed += 1
                $0.waited += wait
            }
        case .refused(let wait):
            counts.update { $0.rejected += 1 }
            throw RateLimitError(
                node: context.node, input: input.id, wait: TokenBucket.seconds(wait),
                maxWait: maxWait.map(TokenBucket.seconds) ?? 0, ratePerSecond: bucket.ratePerSecond)
        }
        counts.update { $0.passed += 1 }
        try await next(input, context)
    }

    /// Logs the counts.
    public func shutdown() async {
        let counts = counts.snapshot
        let waited = (TokenBucket.seconds(counts.waited) * 1000).rounded() / 1000
        log(
            counts.rejected > 0 ? .warning : .info,
            "rate-limit: \(counts.passed) inputs passed, \(counts.delayed) delayed (\(waited) s in all), "
                + "\(counts.rejected) rejected for waiting longer than maxWaitSeconds")
    }
}

/// An input would have waited longer than `maxWaitSeconds` for its turn.
public struct RateLimitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The node.
    public let node: String
    /// The rejected input.
    public let input: ArtifactID
    /// How long it would have waited, in seconds.
    public let wait: Double
    /// The longest wait allowed, in seconds.
    public let maxWait: Double
    /// The configured rate.
    public let ratePerSecond: Double

    /// A complete message.
    public var description: String {
        let rounded = (wait * 1000).rounded() / 1000
        return "rate-limit: node '\(node)' rejected input \(input): it would wait \(rounded) s for its turn at "
            + "\(ratePerSecond) per second, more than maxWaitSeconds (\(maxWait) s); slow the producer or raise the limit"
    }
}
