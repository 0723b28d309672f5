import Manifold
import ManifoldPluginKit

/// `retry`: runs the rest of the chain again when it fails, with exponential backoff and
/// jitter, up to `maxAttempts` in all.
///
/// Not retried: cancellation, failures `retryOn` does not match, and (unless
/// `retryAfterOutput`) failures after the node already emitted an output for the input.
/// Giving up throws `RetryError` carrying the last failure; every retry, recovery and
/// give-up is counted and reported at shutdown.
public struct RetryPlugin: MiddlewarePlugin {
    /// The config type.
    public typealias Configuration = RetryConfiguration

    /// The descriptor: name `retry`, any types, its config schema.
    public static let info = PluginInfo(
        name: "retry", version: "1.0.0",
        summary: "Retries failed inputs with exponential backoff and jitter; never after an output unless told to.",
        ports: .any, configSchema: RetryConfiguration.schema, allowsConcurrentProcessing: true)

    struct Counts: Sendable {
        var inputs = 0
        var retries = 0
        var recovered = 0
        var exhausted = 0
        var notRetried = 0
    }

    private let policy: RetryPolicy
    private let counts = Tally(Counts())
    private let log: MiddlewareLog

    /// Makes the middleware for a node.
    public init(configuration: Configuration, host: PluginHost) throws {
        try self.init(configuration: configuration, log: { level, message in host.log(level, message) })
    }

    /// Makes the middleware in-process; `log` receives the shutdown report.
    public init(configuration: Configuration, log: @escaping MiddlewareLog = { _, _ in }) throws {
        policy = try configuration.policy()
        self.log = log
    }

    /// Passes `input` on, again after each retryable failure.
    public func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        counts.update { $0.inputs += 1 }
        var attempt = 1
        while true {
            let emitted = OnceFlag()
            let observed = context.interceptingEmits { output, emit in
                emitted.set()
                try await emit(output)
            }
            do {
                try await next(input, observed)
                if attempt > 1 { counts.update { $0.recovered += 1 } }
                return
            } catch {
                if error is CancellationError || Task.isCancelled { throw error }
                guard policy.matches(error) else {
                    counts.update { $0.notRetried += 1 }
                    throw error
                }
                // Outputs already left the node: consumers have seen part of an answer (deltas,
                // a tool/call whose tool may already be running). Running the input again would
                // send them a second, different copy and repeat side effects, so by default the
                // failure stands; `retryAfterOutput` is for nodes whose outputs are idempotent.
                if emitted.isSet && !policy.retryAfterOutput {
                    counts.update { $0.notRetried += 1 }
                    throw RetryError.outputAlreadyEmitted(node: context.node, attempt: attempt, lastError: "\(error)")
                }
                guard attempt < policy.maxAttempts else {
                    counts.update { $0.exhausted += 1 }
                    throw RetryError.exhausted(node: context.node, attempts: attempt, lastError: "\(error)")
                }
                counts.update { $0.retries += 1 }
                try await Task.sleep(for: policy.backoff(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// Logs the counts.
    public func shutdown() async {
        let counts = counts.snapshot
        log(
            counts.exhausted + counts.notRetried > 0 ? .warning : .info,
            "retry: \(counts.inputs) inputs, \(counts.retries) retries, \(counts.recovered) recovered, "
                + "\(counts.exhausted) gave up after \(policy.maxAttempts) attempts, \(counts.notRetried) failures not retried")
    }
}

/// Why a retry middleware let a failure through.
public enum RetryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every attempt failed; `lastError` is the last failure's message.
    case exhausted(node: String, attempts: Int, lastError: String)
    /// The attempt failed after the node had emitted output, so it was not retried.
    case outputAlreadyEmitted(node: String, attempt: Int, lastError: String)

    /// A complete message.
    public var description: String {
        switch self {
        case .exhausted(let node, let attempts, let lastError):
            return "retry: node '\(node)' failed \(attempts) attempts, giving up; last error: \(lastError)"
        case .outputAlreadyEmitted(let node, let attempt, let lastError):
            return "retry: node '\(node)' failed on attempt \(attempt) after it had emitted output, so it was not retried "
                + "(set retryAfterOutput: true if its outputs may repeat); error: \(lastError)"
        }
    }
}
