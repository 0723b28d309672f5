import Foundation
import Manifold
@testable import ManifoldLink
import ManifoldWire
import Synchronization
import Testing

@Suite("Link protocol, seen from the peer's side of the socket")
struct LinkProtocolTests {
    @Test("subscriptions are announced as they come and go")
    func interestIsAnnounced() async throws {
        let (hub, peer) = try RawPeer.linkedHub()
        defer { peer.close() }
        let subscription = try hub.subscribe("news.>", "alerts", name: "reader", accepts: [ArtifactType(parsing: "text/plain")])
        guard case .interestAdded(let interest) = try await peer.nextMessage() else {
            Issue.record("expected an interest announcement")
            return
        }
        #expect(interest.subscription == subscription.id.rawValue)
        #expect(interest.name == "reader")
        #expect(interest.patterns == ["news.>", "alerts"])
        #expect(interest.accepts == [try ArtifactType(parsing: "text/plain")])
        subscription.close()
        #expect(try await peer.nextMessage() == .interestRemoved(subscription: subscription.id.rawValue))
        subscription.cancel()  // already gone: announced once only
        try peer.send(.ping(1))
        #expect(try await peer.nextMessage() == .pong(1))
        await hub.shutdown()
    }

    @Test("a publish the peer hears crosses as one publish frame and its artifact frames; the peer's report is what publish returns")
    func publishCrossesAsFrames() async throws {
        let (hub, peer) = try RawPeer.linkedHub()
        defer { peer.close() }
        let remote = TopicInterest(
            subscription: SubscriptionID(rawValue: 41), name: "far-reader", patterns: [try TopicPattern("jobs.*")], accepts: .any)
        try peer.send(.interestAdded(RemoteInterest(remote)))
        #expect(try await eventually { hub.hasSubscribers(try! Topic("jobs.new")) })

        let artifacts = [
            Artifact.text("first", metadata: ["k": "v"]),
            Artifact(type: try ArtifactType(parsing: "application/octet-stream"), payload: Data([0, 1, 2, 255])),
        ]
        let publishing = Task { try await hub.publish(contentsOf: artifacts, to: try Topic("jobs.new")) }
        guard case .publish(let sequence, let topic, let count) = try await peer.nextMessage() else {
            Issue.record("expected a publish message")
            return
        }
        #expect(topic == "jobs.new" && count == 2)
        for expected in artifacts {
            let frame = try await peer.nextFrame()
            #expect(frame.artifact == expected)
        }
        var answer = DeliveryReport()
        answer.delivered = 1
        answer.rejected = 1
        answer.deadLettered = 1
        try peer.send(.report(sequence: sequence, report: answer, cancelled: false))
        #expect(try await publishing.value == answer)

        try peer.send(.interestRemoved(subscription: 41))
        #expect(try await eventually { !hub.hasSubscribers(try! Topic("jobs.new")) })
        let alone = try await hub.publish(.text("late"), to: try Topic("jobs.new"))
        #expect(alone.deadLettered == 1 && hub.recentDeadLetters.last?.metadata[MetadataKey.deadLetterReason] == "no-subscriber")
        await hub.shutdown()
    }

    @Test("what the peer publishes is delivered here and answered with this hub's report")
    func inboundPublish() async throws {
        let (hub, peer) = try RawPeer.linkedHub()
        defer { peer.close() }
        let subscription = try hub.subscribe("news", name: "reader")
        _ = try await peer.nextMessage()  // its announcement
        let artifact = Artifact.text("from afar")
        try peer.send(.publish(sequence: 7, topic: "news", count: 1))
        try peer.send(artifact)
        var expected = DeliveryReport()
        expected.delivered = 1
        #expect(try await peer.nextMessage() == .report(sequence: 7, report: expected, cancelled: false))
        var iterator = subscription.makeAsyncIterator()
        #expect(try await iterator.next() == artifact)

        // A topic nobody here hears any more (the interest crossed too late): dead-lettered here.
        try peer.send(.publish(sequence: 8, topic: "gone", count: 1))
        try peer.send(Artifact.text("too late"))
        var lost = DeliveryReport()
        lost.deadLettered = 1
        #expect(try await peer.nextMessage() == .report(sequence: 8, report: lost, cancelled: false))
        #expect(hub.recentDeadLetters.last?.metadata[MetadataKey.deadLetterReason] == "no-subscriber")
        await hub.shutdown()
    }

    @Test("an idle probe is answered only once nothing is in flight here")
    func idleProbeWaitsForLocalWork() async throws {
        let (hub, peer) = try RawPeer.linkedHub()
        defer { peer.close() }
        let subscription = try hub.subscribe("jobs", name: "worker")
        _ = try await peer.nextMessage()
        try peer.send(.publish(sequence: 1, topic: "jobs", count: 1))
        try peer.send(Artifact.text("work"))
        _ = try await peer.nextMessage()  // the report
        try peer.send(.idleProbe(5))
        await #expect(throws: DeadlineError.self) { _ = try await peer.nextFrame(within: 0.1) }
        var iterator = subscription.makeAsyncIterator()
        _ = try await iterator.next()  // settles the artifact
        #expect(try await peer.nextMessage() == .idleReply(5))
        await hub.shutdown()
    }

    @Test("bytes that are not link frames close the link: a waiting publish fails, the hub carries on alone",
        arguments: [Array("GET / HTTP/1.1\r\n\r\n".utf8), try! WireEncoder().encode(WireFrame.control(kind: WireFrameKind(rawValue: 0x8F), header: Data(), body: Data()))])
    func garbageClosesTheLink(garbage: [UInt8]) async throws {
        let (hub, peer) = try RawPeer.linkedHub()
        defer { peer.close() }
        let remote = TopicInterest(subscription: SubscriptionID(rawValue: 1), name: "far", patterns: [try TopicPattern("t")], accepts: .any)
        try peer.send(.interestAdded(RemoteInterest(remote)))
        #expect(try await eventually { hub.hasSubscribers(try! Topic("t")) })
        let publishing = Task { try await hub.publish(.text("waits for a report"), to: try Topic("t")) }
        _ = try await peer.nextMessage()
        _ = try await peer.nextFrame()
        try peer.send(bytes: garbage)
        let result = await publishing.result
        #expect(throws: LinkError.self) { try result.get() }
        #expect(!hub.hasSubscribers(try Topic("t")), "the peer's interest is forgotten with the link")
        let alone = try await hub.publish(.text("after"), to: try Topic("t"))
        #expect(alone.deadLettered == 1)
        try await hub.waitUntilIdleWithin()
        await hub.shutdown()
    }

    @Test("a peer that goes away fails the waiting publish with closed")
    func peerGoesAway() async throws {
        let (hub, peer) = try RawPeer.linkedHub()
        let remote = TopicInterest(subscription: SubscriptionID(rawValue: 1), name: "far", patterns: [try TopicPattern("t")], accepts: .any)
        try peer.send(.interestAdded(RemoteInterest(remote)))
        #expect(try await eventually { hub.hasSubscribers(try! Topic("t")) })
        let publishing = Task { try await hub.publish(.text("never answered"), to: try Topic("t")) }
        _ = try await peer.nextMessage()
        peer.close()
        let result = await publishing.result
        #expect(throws: LinkError.closed(reason: "the peer closed the link")) { try result.get() }
        await hub.shutdown()
    }

    @Test("message headers round-trip, and short or long headers are refused")
    func headerCodec() throws {
        var report = DeliveryReport()
        report.delivered = 3
        report.dropped = 2
        let messages: [LinkMessage] = [
            .publish(sequence: 9, topic: "a.b", count: 4), .report(sequence: 9, report: report, cancelled: true),
            .failed(sequence: 2, message: "é ✓"), .cancel(sequence: 3), .interestRemoved(subscription: 5),
            .idleProbe(1), .idleReply(1), .ping(2), .pong(2),
        ]
        for message in messages {
            guard case .control(let kind, let header, _) = message.frame else {
                Issue.record("not a control frame")
                continue
            }
            #expect(try LinkMessage(kind: kind, header: header) == message)
            #expect(throws: LinkError.self) { try LinkMessage(kind: kind, header: header.dropLast()) }
            #expect(throws: LinkError.self) { try LinkMessage(kind: kind, header: header + [0]) }
        }
    }
}

extension Hub {
    /// `waitUntilIdle()`, failing the test instead of hanging it.
    func waitUntilIdleWithin(seconds: Double = 30) async throws {
        let idle = Mutex(false)
        Task {
            await waitUntilIdle()
            idle.withLock { $0 = true }
        }
        guard try await eventually(within: seconds, { idle.withLock { $0 } }) else {
            throw DeadlineError(what: "idle hub")
        }
    }
}
