import Foundation
import Manifold
import Testing

@Suite("Run observer")
struct RunObserverTests {
    /// A compact, comparable form of an event: kind, node or subscription, and the artifact's text.
    private static func line(_ event: RunEvent) -> String {
        switch event {
        case .published(let artifact, let topic): "published \(topic) \(artifact.text)"
        case .delivered(let artifact, let topic, let subscription): "delivered \(topic) \(subscription) \(artifact.text)"
        case .rejected(let artifact, let topic, let subscription): "rejected \(topic) \(subscription) \(artifact.text)"
        case .dropped(let artifact, _, let subscription, let reason): "dropped \(subscription) \(reason.rawValue) \(artifact.text)"
        case .deadLettered(let artifact, let reason, let topic, let by, _): "dead-lettered \(topic) \(reason.rawValue) \(by ?? "-") \(artifact.text)"
        case .settled(let subscription, let count): "settled \(subscription) \(count)"
        case .nodeStarted(let node): "started \(node)"
        case .inputBegan(let node, let input): "began \(node) \(input.text)"
        case .output(let node, let output, let topic, _): "output \(node) \(topic) \(output.text)"
        case .inputDone(let node, let input, _, let succeeded): "done \(node) \(input.text) \(succeeded)"
        case .nodeFailed(let failure): "failed \(failure.node) \(failure.message)"
        case .nodeStopped(let node, let report): "stopped \(node) \(report.processed)"
        }
    }

    @Test("a node's run is observed from publish to settle, each artifact's events in order")
    func nodeLifecycle() async throws {
        let hub = Hub()
        let events = Recorder<String>()
        hub.addObserver(ClosureRunObserver { events.append(Self.line($0)) })
        let upper = Streamer(
            name: "upper", generator: ClosureGenerator(ports: textPorts) { input, context in
                try await context.emit(.text(input.text.uppercased()))
            }, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub)
        var outputs = Inbox(try hub.subscribe("out", name: "reader"))
        try upper.connect()
        let run = start(upper)
        try await hub.publish(.text("a"), to: parseTopic("in"))
        #expect(try await outputs.take(1).map(\.text) == ["A"])
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        _ = try await finish(run)

        let seen = events.values
        let story = [
            "published in a", "delivered in upper a", "began upper a", "published out A", "delivered out reader A",
            "output upper out A", "done upper a true", "settled upper 1", "stopped upper 1",
        ]
        let positions = story.map { line in seen.firstIndex(of: line) }
        #expect(!positions.contains(nil), "missing: \(zip(story, positions).filter { $0.1 == nil }.map(\.0)) in \(seen)")
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted(), "out of order: \(seen)")
        #expect(seen.contains("started upper") && seen.firstIndex(of: "started upper")! < found[2])
        #expect(seen.contains("settled reader 1"))
    }

    @Test("rejections, drops and dead letters are observed with their reasons")
    func losses() async throws {
        let hub = Hub()
        let events = Recorder<String>()
        hub.addObserver(ClosureRunObserver { events.append(Self.line($0)) })
        _ = try hub.subscribe("t", name: "picky", accepts: [.json])
        _ = try hub.subscribe("t", name: "small", capacity: 1, policy: .dropNewest)
        try await hub.publish(.text("1"), to: parseTopic("t"))
        try await hub.publish(.text("2"), to: parseTopic("t"))
        try await hub.publish(.text("3"), to: parseTopic("nowhere"))
        let seen = Set(events.values)
        for expected in [
            "rejected t picky 1", "rejected t picky 2", "delivered t small 1", "dropped small dropped-newest 2",
            "dead-lettered t dropped-newest small 2", "dead-lettered nowhere no-subscriber - 3",
        ] {
            #expect(seen.contains(expected), "\(expected) not in \(seen.sorted())")
        }
        #expect(!seen.contains("delivered t small 2"))
    }

    @Test("a failing input is observed as failed and done, not succeeded")
    func failure() async throws {
        let hub = Hub()
        let events = Recorder<String>()
        hub.addObserver(ClosureRunObserver { events.append(Self.line($0)) })
        let fragile = Streamer(
            name: "fragile", generator: ClosureGenerator(ports: textPorts) { _, _ in
                throw TestFailure(message: "no")
            }, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub)
        try fragile.connect()
        let run = start(fragile)
        try await hub.publish(.text("x"), to: parseTopic("in"))
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        _ = try await finish(run)
        #expect(events.values.contains("failed fragile no"))
        #expect(events.values.contains("done fragile x false"))
    }

    @Test("a removed observer hears nothing more")
    func removal() async throws {
        let hub = Hub()
        let count = Counter()
        let token = hub.addObserver(ClosureRunObserver { _ in _ = count.increment() })
        _ = try hub.subscribe("t", name: "s")
        try await hub.publish(.text("1"), to: parseTopic("t"))
        let heard = count.current
        #expect(heard == 2, "published and delivered")
        hub.removeObserver(token)
        try await hub.publish(.text("2"), to: parseTopic("t"))
        #expect(count.current == heard)
    }

    @Test("events() hands events to a reader off the publishing path, and counts what a slow reader missed")
    func eventStream() async throws {
        let hub = Hub()
        let feed = hub.events(bufferingNewest: 8)
        _ = try hub.subscribe("t", name: "s")
        let publishes = 50
        for index in 0..<publishes { try await hub.publish(.text("\(index)"), to: parseTopic("t")) }
        // Each publish makes two events (published, delivered): 100, of which the stream kept
        // the newest few. The reader drains those, then one more publish brings the count of
        // what was let go of since, ahead of its own events.
        var elements = feed.stream.makeAsyncIterator()
        var events: [String] = []
        var dropped = 0
        func take() async -> Bool {
            // The events are already in the stream (or the test's watchdog ends a hang).
            switch await elements.next() {
            case .event(let event)?: events.append(Self.line(event))
            case .dropped(let count)?: dropped += count
            case nil:
                Issue.record("the stream ended")
                return false
            }
            return true
        }
        while events.last != "delivered t s 49" { guard await take() else { return } }
        #expect(dropped > 0 && events.count <= 8, "a slow reader was told it missed some")
        try await hub.publish(.text("after"), to: parseTopic("t"))
        while events.last != "delivered t s after" { guard await take() else { return } }
        #expect(events.count + dropped == 2 * publishes + 2, "every event is read or counted as missed")
        #expect(Array(events.suffix(2)) == ["published t after", "delivered t s after"])
        feed.finish()
        #expect(await elements.next() == nil, "finish() ends the stream")
        try await hub.publish(.text("unheard"), to: parseTopic("t"))
    }
}
