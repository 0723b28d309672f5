import Manifold
import ManifoldJSON
import ManifoldPluginKit

/// `timeout`: bounds the time the rest of the chain may spend on one input.
///
/// When `seconds` pass, the downstream work is cancelled (an agent's model stream closes its
/// connection, a native plugin gets its cancel callback), outputs it tries to emit afterwards
/// are refused, and `TimeoutError` naming the node and the limit is thrown once the downstream
/// has stopped. The downstream is awaited rather than abandoned, so nothing keeps running
/// unowned; it must honour cancellation, as every Manifold component does.
public struct TimeoutPlugin: MiddlewarePlugin {
    /// The config of a `timeout` middleware: `{"seconds": 30}`.
    public struct Configuration: Decodable, Sendable {
        /// The limit per input, in seconds.
        public var seconds: Double

        /// Creates a configuration.
        public init(seconds: Double) {
            self.seconds = seconds
        }
    }

    /// The descriptor: name `timeout`, any types, its config schema.
    public static let info = PluginInfo(
        name: "timeout", version: "1.0.0",
        summary: "Cancels the work on an input that takes longer than a limit and fails it with a clear error.",
        ports: .any,
        configSchema: [
            "type": "object",
            "additionalProperties": false,
            "required": ["seconds"],
            "properties": ["seconds": ["type": "number", "exclusiveMinimum": 0, "maximum": 86400]],
            "examples": [["seconds": 30]],
        ],
        allowsConcurrentProcessing: true)

    struct Counts: Sendable {
        var inputs = 0
        var timedOut = 0
    }

    private let seconds: Double
    private let counts = Tally(Counts())
    private let log: MiddlewareLog

    /// Makes the middleware for a node.
    public init(configuration: Configuration, host: PluginHost) throws {
        try self.init(configuration: configuration, log: { level, message in host.log(level, message) })
    }

    /// Makes the middleware in-process; `log` receives the shutdown report.
    public init(configuration: Configuration, log: @escaping MiddlewareLog = { _, _ in }) throws {
        guard configuration.seconds > 0, configuration.seconds.isFinite else {
            throw ConfigurationError(message: "config.seconds must be a positive number, got \(configuration.seconds)")
        }
        seconds = configuration.seconds
        self.log = log
    }

    /// Passes `input` on and fails it if it is not done within the limit.
    public func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        counts.update { $0.inputs += 1 }
        let expired = OnceFlag()
        let gated = context.interceptingEmits { output, emit in
            // Late outputs of work that is being cancelled must not leave the node.
            if expired.isSet { throw CancellationError() }
            try await emit(output)
        }
        let limit = seconds
        let node = context.node
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await next(input, gated) }
            group.addTask {
                try await Task.sleep(for: .seconds(limit))
                expired.set()
                throw TimeoutError(node: node, seconds: limit, input: input.id)
            }
            defer { group.cancelAll() }
            do {
                try await group.next()
            } catch let error as TimeoutError {
                counts.update { $0.timedOut += 1 }
                throw error
            }
        }
    }

    /// Logs the counts.
    public func shutdown() async {
        let counts = counts.snapshot
        log(
            counts.timedOut > 0 ? .warning : .info,
            "timeout: \(counts.inputs) inputs, \(counts.timedOut) cancelled after \(TimeoutError.format(seconds))")
    }
}

/// An input took longer than its node's limit.
public struct TimeoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The node.
    public let node: String
    /// The limit in seconds.
    public let seconds: Double
    /// The input that took too long.
    public let input: ArtifactID

    /// A complete message.
    public var description: String {
        "timeout: node '\(node)' did not finish input \(input) within \(Self.format(seconds)); its work was cancelled "
            + "(raise the timeout middleware's seconds if this input needs longer)"
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
