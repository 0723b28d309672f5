import Foundation
import Manifold
import ManifoldMiddlewareKit
import ManifoldPluginTestSupport
import Testing

@Suite("retry middleware")
struct RetryTests {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(
        _ plugin: RetryPlugin, emitFirst: Bool = false, _ body: @escaping @Sendable (Int) throws -> Void
    ) async throws -> (attempts: Int, outputs: [Artifact]) {
        let attempts = Counter()
        let out = Recorder()
        let input = Artifact.text("job")
        try await plugin.handle(input, context: out.context(for: input, node: "worker"), next: MiddlewareNext { input, context in
            let attempt = attempts.increment()
            if emitFirst { try await context.emit(.text("partial \(attempt)")) }
            try body(attempt)
            try await context.emit(.text("done on \(attempt)"))
        })
        return (attempts.current, out.all)
    }

    static let fast = RetryConfiguration(maxAttempts: 3, initialBackoffSeconds: 0.001, maxBackoffSeconds: 0.01)

    @Test("succeeds on the third attempt")
    func succeedsOnThirdAttempt() async throws {
        let logs = LogRecorder()
        let plugin = try RetryPlugin(configuration: Self.fast, log: logs.log)
        let (attempts, outputs) = try await Self.run(plugin) { attempt in
            if attempt < 3 { throw Failure(description: "flaky #\(attempt)") }
        }
        #expect(attempts == 3)
        #expect(outputs.map(\.text) == ["done on 3"])
        await plugin.shutdown()
        #expect(logs.text.contains("2 retries, 1 recovered"))
    }

    @Test("gives up after maxAttempts with the last error, counted")
    func givesUpWithLastError() async throws {
        let logs = LogRecorder()
        let plugin = try RetryPlugin(configuration: Self.fast, log: logs.log)
        let attempts = Counter()
        await expectError(containing: ["retry: node 'worker' failed 3 attempts", "last error: boom #3"]) {
            _ = try await Self.run(plugin) { attempt in
                attempts.increment()
                throw Failure(description: "boom #\(attempt)")
            }
        }
        #expect(attempts.current == 3)
        await plugin.shutdown()
        #expect(logs.text.contains("1 gave up after 3 attempts"))
    }

    @Test("only matching errors are retried")
    func onlyMatchingErrors() async throws {
        let plugin = try RetryPlugin(
            configuration: RetryConfiguration(maxAttempts: 5, initialBackoffSeconds: 0.001, retryOn: .substrings(["HTTP 503"])))
        let attempts = Counter()
        await expectError(containing: ["invalid input"]) {
            _ = try await Self.run(plugin) { _ in
                attempts.increment()
                throw Failure(description: "invalid input")
            }
        }
        #expect(attempts.current == 1)
        let (retried, _) = try await Self.run(plugin) { attempt in
            if attempt == 1 { throw Failure(description: "server said HTTP 503") }
        }
        #expect(retried == 2)
    }

    @Test("no retry after an output was emitted, unless retryAfterOutput")
    func noRetryAfterOutput() async throws {
        let strict = try RetryPlugin(configuration: Self.fast)
        await expectError(containing: ["after it had emitted output", "retryAfterOutput", "stream broke"]) {
            _ = try await Self.run(strict, emitFirst: true) { _ in throw Failure(description: "stream broke") }
        }
        let lenient = try RetryPlugin(
            configuration: RetryConfiguration(maxAttempts: 3, initialBackoffSeconds: 0.001, retryAfterOutput: true))
        let (attempts, outputs) = try await Self.run(lenient, emitFirst: true) { attempt in
            if attempt == 1 { throw Failure(description: "stream broke") }
        }
        #expect(attempts == 2)
        #expect(outputs.map(\.text) == ["partial 1", "partial 2", "done on 2"])
    }

    @Test("backoff grows and config errors name the key")
    func configuration() throws {
        expectError(containing: ["config.maxAttempts must be at least 1"]) {
            _ = try RetryPlugin(configuration: RetryConfiguration(maxAttempts: 0))
        }
        expectError(containing: ["config.jitter"]) {
            _ = try RetryPlugin(configuration: RetryConfiguration(jitter: 2))
        }
        let decoded = try JSONDecoder().decode(
            RetryConfiguration.self, from: Data(#"{"retryOn": ["timed out"], "maxAttempts": 2}"#.utf8))
        #expect(decoded.retryOn == .substrings(["timed out"]))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RetryConfiguration.self, from: Data(#"{"retryOn": "some"}"#.utf8))
        }
    }
}
