import Foundation
import Manifold
import Testing

/// Outputs a chain finishes all at once (`ProcessingContext.emit(contentsOf:)`) are published
/// in batches across the inputs a node already has queued, without reordering anything and
/// without letting the hub look idle while they are held.
@Suite("Streamer: batched outputs")
struct StreamerBatchTests {
    /// A generator emitting `"<input>.a"` and `"<input>.b"` for each input, all at once.
    private static let pairs = ClosureGenerator(ports: textPorts) { input, context in
        try await context.emit(contentsOf: [.text(input.text + ".a"), .text(input.text + ".b")])
    }

    @Test("queued inputs' outputs are published in batches, in order, before their inputs are settled")
    func batchesAcrossQueuedInputs() async throws {
        let hub = Hub()
        let events = Recorder<String>()
        hub.addObserver(ClosureRunObserver { event in
            switch event {
            case .published(_, let topic) where topic.description == "out": events.append("published")
            case .settled(let subscription, let count) where subscription == "pairs": events.append("settled \(count)")
            default: break
            }
        })
        let node = Streamer(
            name: "pairs", generator: Self.pairs, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub,
            options: StreamerOptions(inputCapacity: 1024))
        var outputs = Inbox(try hub.subscribe("out", name: "sink", capacity: 2048))
        try node.connect()
        // Queued before the node starts, so it takes them as one batch.
        let inputs = (0..<500).map { Artifact.text("\($0)") }
        try await hub.publish(contentsOf: inputs, to: parseTopic("in"))
        let run = start(node)
        let received = try await outputs.take(1000).map(\.text)
        #expect(received == (0..<500).flatMap { ["\($0).a", "\($0).b"] })
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(report.processed == 500 && report.emitted == 1000)

        // Each settlement comes after the outputs of every input it settles were published.
        var published = 0
        var settled = 0
        var largestSettlement = 0
        for event in events.values {
            if event == "published" {
                published += 1
            } else if let count = Int(event.dropFirst("settled ".count)) {
                settled += count
                largestSettlement = max(largestSettlement, count)
                #expect(published >= 2 * settled, "inputs settled before their outputs were published")
            }
        }
        #expect(settled == 500)
        #expect(largestSettlement > 1, "queued inputs were settled one at a time: their outputs were not batched")
        #expect(largestSettlement <= Streamer.heldOutputsLimit / 2, "more outputs were held than the limit")
    }

    @Test("held outputs of earlier inputs are published before a later input's streamed emit")
    func heldOutputsKeepOrderWithStreamedEmits() async throws {
        let hub = Hub()
        let mixed = ClosureGenerator(ports: textPorts) { input, context in
            if Int(input.text)! % 2 == 0 {
                try await context.emit(contentsOf: [.text(input.text)])
            } else {
                try await context.emit(.text(input.text))
            }
        }
        let node = Streamer(
            name: "mixed", generator: mixed, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub,
            options: StreamerOptions(inputCapacity: 512))
        var outputs = Inbox(try hub.subscribe("out", name: "sink", capacity: 512))
        try node.connect()
        try await hub.publish(contentsOf: (0..<300).map { Artifact.text("\($0)") }, to: parseTopic("in"))
        let run = start(node)
        #expect(try await outputs.take(300).map(\.text) == (0..<300).map { "\($0)" })
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        #expect(try await finish(run).emitted == 300)
    }

    @Test("under the stop policy, outputs held for inputs before the failing one are still published")
    func heldOutputsSurviveAStop() async throws {
        let hub = Hub()
        let failing = ClosureGenerator(ports: textPorts) { input, context in
            if input.text == "3" { throw TestFailure(message: "three") }
            try await context.emit(contentsOf: [.text(input.text)])
        }
        let node = Streamer(
            name: "failing", generator: failing, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub,
            options: StreamerOptions(inputCapacity: 64, errorPolicy: .stop))
        var outputs = Inbox(try hub.subscribe("out", name: "sink", capacity: 64))
        try node.connect()
        try await hub.publish(contentsOf: (0..<6).map { Artifact.text("\($0)") }, to: parseTopic("in"))
        let result = try await withDeadline { await start(node).result }
        #expect(throws: StreamerError.self) { try result.get() }
        #expect(try await outputs.take(3).map(\.text) == ["0", "1", "2"])
        // The inputs after the failing one were never processed: reported, not lost.
        #expect(hub.statistics.deadLettered == 2)
    }

    @Test("outputs still held when the node is cancelled are dead-lettered and counted, not lost")
    func heldOutputsOfACancelledNodeAreDeadLettered() async throws {
        let hub = Hub()
        let stuck = Gate()
        let holding = ClosureGenerator(ports: textPorts) { input, context in
            if input.text == "second" {
                stuck.open()
                try await Task.sleep(for: .seconds(3600))
            }
            try await context.emit(contentsOf: [.text(input.text + " out")])
        }
        let node = Streamer(
            name: "holding", generator: holding, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub,
            options: StreamerOptions(inputCapacity: 8))
        let outputs = try hub.subscribe("out", name: "sink", capacity: 8)
        try node.connect()
        try await hub.publish(contentsOf: [.text("first"), .text("second")], to: parseTopic("in"))
        let run = start(node)
        try await withDeadline { try await stuck.wait() }
        run.cancel()
        _ = await run.result
        let dead = hub.recentDeadLetters.filter { $0.text == "first out" }
        #expect(dead.count == 1, "the held output of 'first' was neither published nor dead-lettered")
        #expect(dead.first?.metadata[MetadataKey.deadLetterReason] == DeadLetterReason.subscriptionCancelled.rawValue)
        #expect(outputs.statistics.delivered == 0)
        // Both inputs were settled: nothing is left in flight.
        try await withDeadline { await hub.waitUntilIdle() }
    }

    @Test("without a Streamer, emit(contentsOf:) sends each output through the context, middleware transforms included")
    func emitContentsOfWithoutAStreamer() async throws {
        let sent = Recorder<String>()
        let context = ProcessingContext(node: "n", input: .text("in")) { sent.append($0.text) }
        let shouting = context.interceptingEmits { artifact, emit in try await emit(.text(artifact.text.uppercased())) }
        try await shouting.emit(contentsOf: [.text("a"), .text("b")])
        try await context.emit(contentsOf: [.text("c")])
        #expect(sent.values == ["A", "B", "c"])
    }
}
