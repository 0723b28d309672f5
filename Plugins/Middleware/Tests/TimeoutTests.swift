import Foundation
import Manifold
import ManifoldMiddlewareKit
import ManifoldPluginTestSupport
import Testing

@Suite("timeout middleware")
struct TimeoutTests {
    @Test("fires after the limit, cancels the downstream and names the node and limit")
    func firesAndCancels() async throws {
        let logs = LogRecorder()
        let plugin = try TimeoutPlugin(configuration: .init(seconds: 0.2), log: logs.log)
        let sawCancellation = Counter()
        let out = Recorder()
        let input = Artifact.text("slow")
        let started = ContinuousClock.now
        await expectError(containing: ["timeout: node 'slowpoke'", "within 0.2 s", "cancelled"]) {
            try await plugin.handle(input, context: out.context(for: input, node: "slowpoke"), next: MiddlewareNext { _, context in
                try await context.emit(.text("early"))
                do {
                    try await Task.sleep(for: .seconds(180))
                } catch {
                    sawCancellation.increment()
                    try? await context.emit(.text("late"))
                    throw error
                }
            })
        }
        let elapsed = ContinuousClock.now - started
        // Far below the downstream's 180 s, far above 0.2 s: a loaded machine stalls tasks for seconds.
        #expect(elapsed < .seconds(90), "the downstream was not left running for 180 s")
        #expect(elapsed >= .seconds(0.2))
        #expect(sawCancellation.current == 1)
        #expect(out.all.map(\.text) == ["early"], "outputs after the timeout are refused")
        await plugin.shutdown()
        #expect(logs.text.contains("1 cancelled after 0.2 s"))
    }

    @Test("work within the limit passes through unchanged")
    func fastWorkPasses() async throws {
        let plugin = try TimeoutPlugin(configuration: .init(seconds: 5))
        let out = Recorder()
        let input = Artifact.text("quick")
        try await plugin.handle(input, context: out.context(for: input), next: MiddlewareNext { input, context in
            try await context.emit(.text(input.text.uppercased()))
        })
        #expect(out.all.map(\.text) == ["QUICK"])
    }

    @Test("a downstream failure is passed on as is, and the limit must be positive")
    func failuresAndConfig() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "broken downstream" } }
        let plugin = try TimeoutPlugin(configuration: .init(seconds: 5))
        let input = Artifact.text("x")
        await expectError(containing: ["broken downstream"]) {
            try await plugin.handle(input, context: Recorder().context(for: input), next: MiddlewareNext { _, _ in throw Broken() })
        }
        expectError(containing: ["config.seconds must be a positive number"]) {
            _ = try TimeoutPlugin(configuration: .init(seconds: 0))
        }
    }
}
