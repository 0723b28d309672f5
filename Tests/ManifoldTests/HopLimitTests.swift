import Foundation
import Manifold
import Testing

/// `StreamerOptions.hopLimit`: outputs count their input's hops plus one, and a node refuses
/// an input that has made as many hops as its limit, before its generator sees it.
@Suite("Hop limits")
struct HopLimitTests {
    /// Two nodes feeding each other forever (`start`/`back` → a → `forth` → b → `back`),
    /// each recording the hop count of every input it is given.
    struct Loop {
        let hub = Hub()
        let a: Streamer
        let b: Streamer
        let seenByA = Recorder<Int>()
        let seenByB = Recorder<Int>()

        init(limitA: HopLimit?, limitB: HopLimit?, pipelining: Bool = false) {
            func relay(_ seen: Recorder<Int>) -> any Generator {
                ClosureGenerator(ports: textPorts) { input, context in
                    seen.append(HopLimit.hops(of: input))
                    try await context.emit(.text(input.text + "."))
                }
            }
            a = Streamer(
                name: "a", generator: relay(seenByA), subscribeTo: [parsePattern("start"), parsePattern("back")],
                output: parseTopic("forth"), hub: hub, options: StreamerOptions(hopLimit: limitA))
            b = Streamer(
                name: "b", generator: relay(seenByB), subscribeTo: [parsePattern("forth")], output: parseTopic("back"), hub: hub,
                options: StreamerOptions(hopLimit: limitB))
        }

        /// Feeds `text` and runs until the loop has ended and nothing is in flight.
        func run(feeding text: String) async throws -> (a: StreamerReport, b: StreamerReport) {
            try a.connect()
            try b.connect()
            let runA = start(a)
            let runB = start(b)
            try hub.connect(NodePorts(node: "input", output: parseTopic("start"), emits: [.plainText]))
            try await hub.publish(.text(text), to: parseTopic("start"))
            try await withDeadline { await hub.waitUntilIdle() }
            hub.close()
            return (try await finish(runA), try await finish(runB))
        }
    }

    @Test("a loop ends at the limit: every hop is counted, the input at the limit is refused and dead-lettered with the reason")
    func loopEndsAtTheLimit() async throws {
        let limit = HopLimit(maximum: 6, source: "$.maxHops in loop.json")
        let loop = Loop(limitA: limit, limitB: limit)
        let errors = try loop.hub.subscribe("$errors", name: "errors")
        // Read while the loop runs: an unread error report is in flight, and the hub never idle.
        let firstError = Task {
            var reports = Inbox(errors)
            return try await reports.next()
        }
        let (a, b) = try await loop.run(feeding: "go")
        #expect(loop.seenByA.values == [0, 2, 4], "a node sees its input's count; each output is one more")
        #expect(loop.seenByB.values == [1, 3, 5])
        #expect(a.failed == 1 && a.processed == 3, "the input with 6 hops never reached the generator")
        #expect(b.failed == 0)
        let dead = try #require(loop.hub.recentDeadLetters.first)
        #expect(loop.hub.recentDeadLetters.count == 1)
        #expect(dead.metadata[MetadataKey.deadLetterReason] == DeadLetterReason.hopLimitReached.rawValue)
        #expect(dead.metadata[MetadataKey.hops] == "6")
        #expect(dead.text == "go......")
        let detail = dead.metadata[MetadataKey.deadLetterDetail] ?? ""
        #expect(detail.contains("node 'a' failed on input"))
        #expect(detail.contains("refused an input of conversation"))
        #expect(detail.contains("from node 'b': it has already made 6 hops, and the limit is 6 (maxHops, $.maxHops in loop.json)"))
        #expect(detail.contains("instead of running node 'a' again"))
        #expect(detail.contains("raise maxHops"))
        let report = try #require(try await firstError.value)
        #expect(report.metadata[MetadataKey.errorNode] == "a")
        #expect(report.text.contains("the limit is 6 (maxHops"))
    }

    @Test("a node without a limit counts hops for the nodes that check one")
    func countingOnlyNodesAddUp() async throws {
        let loop = Loop(limitA: HopLimit(maximum: 5, source: "$.nodes.a.maxHops in loop.json"), limitB: .countingOnly)
        let (a, b) = try await loop.run(feeding: "go")
        #expect(loop.seenByA.values == [0, 2, 4])
        #expect(loop.seenByB.values == [1, 3, 5], "b refuses nothing: it has no limit of its own")
        #expect(a.failed == 1 && b.failed == 0)
        #expect(loop.hub.recentDeadLetters.first?.metadata[MetadataKey.hops] == "6")
    }

    @Test("without a limit nothing is counted or written")
    func noLimitWritesNothing() async throws {
        let hub = Hub()
        let node = Streamer(
            name: "n", generator: ClosureGenerator(ports: textPorts) { input, context in try await context.emit(.text(input.text)) },
            subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub)
        var outputs = Inbox(try hub.subscribe("out", name: "test"))
        try node.connect()
        let run = start(node)
        try await hub.publish(.text("x"), to: parseTopic("in"))
        let output = try #require(try await outputs.next())
        #expect(output.metadata[MetadataKey.hops] == nil)
        hub.close()
        _ = try await finish(run)
    }

    @Test("an input's count that is no number counts as zero hops")
    func malformedCountIsZero() {
        #expect(HopLimit.hops(of: Artifact(type: .plainText, metadata: [MetadataKey.hops: "many"])) == 0)
        #expect(HopLimit.hops(of: Artifact(type: .plainText, metadata: [MetadataKey.hops: "-3"])) == 0)
        #expect(HopLimit.hops(of: Artifact(type: .plainText, metadata: [MetadataKey.hops: "7"])) == 7)
    }
}
