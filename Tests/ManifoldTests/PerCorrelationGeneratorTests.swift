import Foundation
import Manifold
import Synchronization
import Testing

/// `PerCorrelationGenerator`: one instance per conversation, made on its first input, shut down
/// when idle or to make room, never while in use.
@Suite("Per-correlation instances")
struct PerCorrelationGeneratorTests {
    /// An instance that remembers every text it was given and emits them all, joined: what a
    /// conversation's history looks like to a plugin that keeps one.
    final class Accumulator: Generator, Sendable {
        let ports = textPorts
        let number: Int
        private let seen = Mutex<[String]>([])
        private let shutDown: @Sendable (Int) -> Void

        init(number: Int, shutDown: @escaping @Sendable (Int) -> Void = { _ in }) {
            self.number = number
            self.shutDown = shutDown
        }

        func process(_ input: Artifact, context: ProcessingContext) async throws {
            let history = seen.withLock { seen in
                seen.append(input.text)
                return seen.joined(separator: "|")
            }
            try await context.emit(.text(history))
        }

        func shutdown() async { shutDown(number) }
    }

    /// Makes numbered accumulators and records which were shut down, in order.
    final class Instances: Sendable {
        let made = Counter()
        let shutDown = Recorder<Int>()
        /// Opens at the first shutdown, for a test that waits for one.
        let firstShutDown = Gate()

        func make() -> Accumulator {
            Accumulator(number: made.increment()) { [shutDown, firstShutDown] number in
                shutDown.append(number)
                firstShutDown.open()
            }
        }

        func generator(idle: Duration = .seconds(600), maximum: Int = 1000) -> PerCorrelationGenerator {
            PerCorrelationGenerator(firstInstance: make(), idleTimeout: idle, maximumInstances: maximum) { _ in self.make() }
        }
    }

    /// Runs `input` through `generator` and returns what it emitted.
    func process(_ generator: PerCorrelationGenerator, _ text: String, conversation: String) async throws -> [String] {
        let outputs = Recorder<Artifact>()
        let input = Artifact.text(text, correlationID: conversation)
        try await generator.process(input, context: ProcessingContext(node: "n", input: input, emitter: { outputs.append($0) }))
        return outputs.values.map(\.text)
    }

    @Test("interleaved conversations each see only their own history")
    func conversationsAreIsolated() async throws {
        let instances = Instances()
        let generator = instances.generator()
        #expect(try await process(generator, "a1", conversation: "a") == ["a1"])
        #expect(try await process(generator, "b1", conversation: "b") == ["b1"])
        #expect(try await process(generator, "a2", conversation: "a") == ["a1|a2"])
        #expect(try await process(generator, "b2", conversation: "b") == ["b1|b2"])
        #expect(try await process(generator, "c1", conversation: "c") == ["c1"])
        #expect(instances.made.current == 3, "one instance per conversation; the first was made ahead and given to 'a'")
        #expect(generator.counts == .init(created: 3, evictedIdle: 0, evictedForRoom: 0, alive: 3))
        #expect(generator.conversations == ["a", "b", "c"])
        await generator.shutdown()
        #expect(instances.shutDown.values.sorted() == [1, 2, 3])
        #expect(generator.counts.alive == 0)
    }

    @Test("an input without a correlation id is a conversation of its own")
    func noCorrelationIsItsOwnConversation() async throws {
        let instances = Instances()
        let generator = instances.generator()
        for text in ["x", "y"] {
            let outputs = Recorder<Artifact>()
            let input = Artifact.text(text)
            try await generator.process(input, context: ProcessingContext(node: "n", input: input, emitter: { outputs.append($0) }))
            #expect(outputs.values.map(\.text) == [text])
        }
        #expect(instances.made.current == 2)
        await generator.shutdown()
    }

    @Test("at the cap, a new conversation shuts down the one unused longest; it starts afresh when it returns")
    func capEvictsLeastRecentlyUsed() async throws {
        let instances = Instances()
        let generator = instances.generator(maximum: 2)
        _ = try await process(generator, "a1", conversation: "a")
        _ = try await process(generator, "b1", conversation: "b")
        _ = try await process(generator, "a2", conversation: "a")  // b is now the one unused longest
        #expect(try await process(generator, "c1", conversation: "c") == ["c1"])
        #expect(instances.shutDown.values == [2], "b's instance made room")
        #expect(generator.conversations == ["a", "c"])
        #expect(try await process(generator, "a3", conversation: "a") == ["a1|a2|a3"], "a kept its instance")
        #expect(try await process(generator, "b2", conversation: "b") == ["b2"], "b lost its state with its instance")
        #expect(generator.counts == .init(created: 4, evictedIdle: 0, evictedForRoom: 2, alive: 2))
        await generator.shutdown()
    }

    @Test("an instance unused for the idle time is shut down without any input to wake it")
    func idleInstancesAreShutDown() async throws {
        let instances = Instances()
        let generator = instances.generator(idle: .milliseconds(50))
        _ = try await process(generator, "a1", conversation: "a")
        #expect(await instances.firstShutDown.opens(within: 30), "the idle instance is shut down")
        #expect(instances.shutDown.values == [1])
        #expect(generator.counts.evictedIdle == 1)
        #expect(generator.conversations.isEmpty)
        #expect(try await process(generator, "a2", conversation: "a") == ["a2"], "a conversation that comes back gets a new instance")
        await generator.shutdown()
        #expect(instances.shutDown.values == [1, 2])
    }

    @Test("an instance in use is not shut down, however long its input takes")
    func busyInstanceOutlivesTheIdleTime() async throws {
        let gate = Gate()
        let shutDown = Recorder<String>()
        let slow = ClosureGenerator(ports: textPorts) { input, context in
            try await gate.wait()
            try await context.emit(.text(input.text))
        }
        let generator = PerCorrelationGenerator(firstInstance: slow, idleTimeout: .milliseconds(1), maximumInstances: 1) { _ in
            shutDown.append("made another")
            return slow
        }
        let busy = Task { try await process(generator, "a1", conversation: "a") }
        // Long past the idle time, while the input is still inside the instance.
        try await Task.sleep(for: .milliseconds(100))
        #expect(generator.conversations == ["a"])
        #expect(generator.counts.evictedIdle == 0)
        gate.open()
        #expect(try await busy.value == ["a1"])
        await generator.shutdown()
        #expect(shutDown.values.isEmpty)
    }

    @Test("a conversation whose instance cannot be made fails that input, names the conversation, and tries again next time")
    func failedCreationFailsTheInput() async throws {
        let attempts = Counter()
        let generator = PerCorrelationGenerator(firstInstance: Accumulator(number: 0), idleTimeout: .seconds(600), maximumInstances: 10) { _ in
            if attempts.increment() == 1 { throw SimpleError(message: "config refused: no key") }
            return Accumulator(number: 1)
        }
        _ = try await process(generator, "a1", conversation: "a")
        await #expect {
            _ = try await process(generator, "b1", conversation: "b")
        } throws: { error in
            "\(error)" == "could not make the instance for conversation b: config refused: no key"
        }
        #expect(generator.conversations == ["a"])
        #expect(try await process(generator, "b2", conversation: "b") == ["b2"])
        #expect(generator.counts.alive == 2)
        await generator.shutdown()
    }

    @Test("after shutdown, an input is refused as cancelled")
    func refusedAfterShutdown() async throws {
        let generator = Instances().generator()
        await generator.shutdown()
        await #expect(throws: CancellationError.self) { _ = try await process(generator, "a1", conversation: "a") }
    }
}

private struct SimpleError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
