import Foundation
import Logging
import Manifold
import ManifoldHost
import Synchronization
import Testing

/// `GraphRun.stop()`: the feeds read nothing more, and everything already published goes
/// through every node to the graph's outputs before the run returns; nothing is dead-lettered.
@Suite("GraphRun stop")
struct GraphRunStopTests {
    /// Passes each input on, holding the first until `release` opens.
    static func holdingPlugin(started: Signal, release: Signal) throws -> InProcessPlugin {
        try InProcessPlugin.generator(name: "hold", ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { _, _, _ in
            ClosureGenerator(ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { input, context in
                if input.text == "1" {
                    started.raise()
                    await release.wait()
                }
                try await context.emit(.text(input.text))
            }
        }
    }

    /// Small queues, so the hold fills every one of them and the feed waits to publish.
    func makeRun(_ plugin: InProcessPlugin) async throws -> GraphRun {
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/graph.json"
        try """
        { "manifold": 1, "name": "held", "plugins": ["\(HostTestSupport.bundledManifests)"], "hub": { "capacity": 4 },
          "inputs": { "text": { "topic": "in", "types": ["text/plain"] } },
          "outputs": { "out": { "topic": "out", "types": ["text/plain"] } },
          "nodes": {
            "hold": { "plugin": "hold", "subscribe": ["in"], "output": "held" },
            "loud": { "plugin": "uppercase", "subscribe": ["held"], "output": "out" } } }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let validation = GraphValidator.validate(
            manifestAt: path, loaderOptions: PluginLoaderOptions(libraryPaths: [HostTestSupport.buildFolder]),
            providers: ["hold": plugin])
        #expect(validation.errors.isEmpty, "\(validation.diagnostics)")
        return try await GraphRun(validation: validation, logger: Logger(label: "test"))
    }

    @Test func aStopDrainsEverythingFedToTheOutputsAndReadsNoMore() async throws {
        let started = Signal()
        let release = Signal()
        let run = try await makeRun(try Self.holdingPlugin(started: started, release: release))
        let source = NumberSource(batchSize: 10)
        let outputs = Collected()
        let running = Task {
            try await run.run(feeds: [GraphInputFeed(input: "text", next: { await source.next() }, stop: { source.stop() })]) { _, artifact in
                outputs.append(artifact)
            }
        }
        await started.wait()
        // The first input is held: the queues fill and the feed waits to publish its batch.
        run.stop()
        release.raise()
        let report = try await running.value
        let fed = report.inputsFed["text"] ?? 0
        #expect(report.wasStopped)
        #expect(report.hub.deadLettered == 0, "\(report.deadLetters.map { $0.metadata })")
        #expect(fed == source.handedOut, "every batch handed out is published")
        #expect(fed >= 10)
        #expect(report.inputsNotFed == 0)
        #expect(outputs.items.map(\.text) == (1...fed).map(String.init), "every input fed comes out, in order")
        #expect(report.outputs["out"] == fed)
        #expect(source.callsAfterStop == 0, "nothing is read after the stop")
    }

    @Test func aStopWhileAFeedWaitsAbandonsTheWaitAndKeepsWhatWasFed() async throws {
        let run = try await makeRun(try Self.holdingPlugin(started: Signal(), release: Signal(raised: true)))
        let (stream, continuation) = AsyncStream<Artifact>.makeStream()
        for text in ["1", "2", "3"] { continuation.yield(.text(text)) }
        let outputs = Collected()
        let allOut = Signal()
        let running = Task {
            try await run.run(feeds: [GraphInputFeed(input: "text", stream: stream)]) { _, artifact in
                outputs.append(artifact)
                if outputs.items.count == 3 { allOut.raise() }
            }
        }
        // The stream never ends: only the stop ends the run, once the three have come out.
        await allOut.wait()
        run.stop()
        let report = try await running.value
        #expect(report.wasStopped)
        #expect(report.inputsFed["text"] == 3)
        #expect(report.hub.deadLettered == 0)
        #expect(outputs.items.map(\.text) == ["1", "2", "3"])
        continuation.finish()
    }

    @Test func aStopBeforeTheRunReadsNothing() async throws {
        let run = try await makeRun(try Self.holdingPlugin(started: Signal(), release: Signal(raised: true)))
        let source = NumberSource(batchSize: 10)
        run.stop()
        let report = try await run.run(feeds: [GraphInputFeed(input: "text", next: { await source.next() }, stop: { source.stop() })]) { _, _ in }
        #expect(report.wasStopped)
        #expect(report.inputsFed.isEmpty)
        #expect(source.handedOut == 0)
    }
}

/// A feed of the numbers 1, 2, 3, … as text, `batchSize` at a time, without end until stopped.
final class NumberSource: Sendable {
    private struct State {
        var next = 1
        var stopped = false
        var callsAfterStop = 0
    }

    let batchSize: Int
    private let state = Mutex(State())

    init(batchSize: Int) {
        self.batchSize = batchSize
    }

    func next() async -> [Artifact]? {
        await Task.yield()
        return state.withLock { state in
            if state.stopped {
                state.callsAfterStop += 1
                return nil
            }
            defer { state.next += batchSize }
            return (state.next..<state.next + batchSize).map { Artifact.text("\($0)") }
        }
    }

    func stop() {
        state.withLock { $0.stopped = true }
    }

    /// Numbers handed out so far.
    var handedOut: Int { state.withLock { $0.next - 1 } }

    /// Calls of `next()` after `stop()`: the feed should not make any.
    var callsAfterStop: Int { state.withLock { $0.callsAfterStop } }
}

/// Raised once; waiting for it suspends until then (no polling).
final class Signal: Sendable {
    private let state: Mutex<(raised: Bool, waiters: [CheckedContinuation<Void, Never>])>

    init(raised: Bool = false) {
        state = Mutex((raised, []))
    }

    func raise() {
        let waiters = state.withLock { state in
            state.raised = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let raised = state.withLock { state in
                if !state.raised { state.waiters.append(continuation) }
                return state.raised
            }
            if raised { continuation.resume() }
        }
    }
}
