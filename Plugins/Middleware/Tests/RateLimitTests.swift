import Foundation
import Manifold
import ManifoldMiddlewareKit
import ManifoldPluginTestSupport
import Testing

@Suite("rate-limit middleware")
struct RateLimitTests {
    static func pass(_ plugin: RateLimitPlugin, _ count: Int, concurrently: Bool = false) async throws {
        let input = Artifact.text("x")
        let next = MiddlewareNext { _, _ in }
        if concurrently {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<count {
                    group.addTask { try await plugin.handle(input, context: Recorder().context(for: input), next: next) }
                }
                try await group.waitForAll()
            }
        } else {
            for _ in 0..<count { try await plugin.handle(input, context: Recorder().context(for: input), next: next) }
        }
    }

    @Test("spaces calls to the rate, sequentially and concurrently")
    func spacesCalls() async throws {
        let clock = ContinuousClock()
        let sequential = try RateLimitPlugin(configuration: .init(ratePerSecond: 20))
        let first = try await clock.measure { try await Self.pass(sequential, 5) }
        // The first goes at once, the other four each wait 1/20 s: at least 0.2 s in all.
        #expect(first >= .milliseconds(190))
        #expect(first < .seconds(60), "bounded far above 0.2 s: a loaded 2-core machine stalls tasks for many seconds")

        let concurrent = try RateLimitPlugin(configuration: .init(ratePerSecond: 20))
        let second = try await clock.measure { try await Self.pass(concurrent, 5, concurrently: true) }
        #expect(second >= .milliseconds(190))
        #expect(second < .seconds(20))
    }

    @Test("a burst passes at once")
    func burstPassesAtOnce() async throws {
        let plugin = try RateLimitPlugin(configuration: .init(ratePerSecond: 0.01, burst: 4))
        let elapsed = try await ContinuousClock().measure { try await Self.pass(plugin, 4) }
        #expect(elapsed < .seconds(20), "4 tokens were in the bucket; one more would take 100 s")
    }

    @Test("rejects inputs that would wait past maxWaitSeconds, counted")
    func rejectsPastMaxWait() async throws {
        let logs = LogRecorder()
        let plugin = try RateLimitPlugin(configuration: .init(ratePerSecond: 1, burst: 1, maxWaitSeconds: 0.1), log: logs.log)
        try await Self.pass(plugin, 1)
        let input = Artifact.text("too soon")
        let ran = Counter()
        await expectError(containing: ["rate-limit: node 'api'", "rejected input", "maxWaitSeconds (0.1 s)"]) {
            try await plugin.handle(input, context: Recorder().context(for: input, node: "api"), next: MiddlewareNext { _, _ in ran.increment() })
        }
        #expect(ran.current == 0)
        await plugin.shutdown()
        #expect(logs.text.contains("1 inputs passed"))
        #expect(logs.text.contains("1 rejected"))
    }

    @Test("a cancelled waiter gives its token back; bad config is refused")
    func cancellationAndConfig() async throws {
        // One token per 50 s: however loaded the machine, the second input must wait.
        let plugin = try RateLimitPlugin(configuration: .init(ratePerSecond: 0.02, burst: 1))
        try await Self.pass(plugin, 1)
        let waiting = Task { try await Self.pass(plugin, 1) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        expectError(containing: ["config.ratePerSecond must be a positive number"]) {
            _ = try RateLimitPlugin(configuration: .init(ratePerSecond: 0))
        }
        expectError(containing: ["config.burst must be at least 1"]) {
            _ = try RateLimitPlugin(configuration: .init(ratePerSecond: 1, burst: 0))
        }
    }
}
