import Foundation
import Manifold
import ManifoldLink
import Testing

@Suite("Completion across linked hubs")
struct HubLinkCompletionTests {
    /// Two nodes on two hubs play ping-pong over a link until the count reaches `rounds`:
    /// at any moment the only work is on the other hub or on the way, so a completion that
    /// looked only at its own hub would return early.
    @Test("waitUntilIdle() on either hub returns only after the last rally of a ping-pong across the link")
    func pingPongAcrossTheLink() async throws {
        let rounds = 300
        let (left, right) = try LinkTransport.pair()
        let pingHub = Hub(options: HubOptions(transport: left))
        let pongHub = Hub(options: HubOptions(transport: right))
        let handled = Counter()
        func player(_ name: String, on hub: Hub, hears: String, answers: String) -> Streamer {
            Streamer(
                name: name, generator: ClosureGenerator(ports: textPorts) { input, context in
                    let count = Int(input.text)!
                    _ = handled.increment()
                    // Let the other side's state move on before answering, to widen any race.
                    if count % 7 == 0 { try await Task.sleep(for: .milliseconds(1)) }
                    if count < rounds { try await context.emit(.text("\(count + 1)")) }
                }, subscribeTo: [parsePattern(hears)], output: parseTopic(answers), hub: hub)
        }
        let ping = player("ping", on: pingHub, hears: "ping", answers: "pong")
        let pong = player("pong", on: pongHub, hears: "pong", answers: "ping")
        let runs = [start(ping), start(pong)]
        try await withDeadline { try await left.synchronize(); try await right.synchronize() }
        // Wait for both nodes' subscriptions to have crossed.
        while !(pingHub.hasSubscribers(parseTopic("pong")) && pongHub.hasSubscribers(parseTopic("ping"))) {
            try await Task.sleep(for: .milliseconds(1))
        }

        try await pingHub.publish(.text("0"), to: parseTopic("ping"))
        try await withDeadline(seconds: 30, "both hubs to be idle") {
            async let fromPing: Void = pingHub.waitUntilIdle()
            async let fromPong: Void = pongHub.waitUntilIdle()
            _ = await (fromPing, fromPong)
        }
        #expect(handled.current == rounds + 1, "idle before the last rally was handled")
        #expect(pingHub.statistics.inFlight == 0 && pongHub.statistics.inFlight == 0)

        pingHub.close()
        pongHub.close()
        let reports = try await [finish(runs[0]), finish(runs[1])]
        #expect(reports.map(\.processed).reduce(0, +) == rounds + 1)
        #expect(reports.allSatisfy { $0.failed == 0 && $0.rejectedOutputs == 0 })
        #expect(pingHub.statistics.deadLettered == 0 && pongHub.statistics.deadLettered == 0)
        await pingHub.shutdown()
        await pongHub.shutdown()
    }
}
