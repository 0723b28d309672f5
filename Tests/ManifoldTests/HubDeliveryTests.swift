import Foundation
import Manifold
import Testing

@Suite("Hub delivery")
struct HubDeliveryTests {
    @Test("exact and wildcard subscriptions receive what matches, and only that", arguments: HubLayout.allCases)
    func exactAndWildcard(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let exact = try rig.subscribe("agents.coder.out", name: "exact")
        let single = try rig.subscribe("agents.*.out", name: "single")
        let tail = try rig.subscribe("agents.>", name: "tail")
        for name in ["agents.coder.out", "agents.tester.out", "agents.coder.in", "agents.out", "other.coder.out"] {
            try await rig.publish(.text(name), to: name)
        }
        rig.close()
        var inboxes = [Inbox(exact), Inbox(single), Inbox(tail)]
        var received: [[String]] = []
        for index in inboxes.indices { received.append(try await inboxes[index].drain().map(\.text)) }
        #expect(received[0] == ["agents.coder.out"])
        #expect(received[1] == ["agents.coder.out", "agents.tester.out"])
        #expect(received[2] == ["agents.coder.out", "agents.tester.out", "agents.coder.in", "agents.out"])
        #expect(rig.inFlight == 0)
    }

    @Test("an artifact is delivered once to a subscription even when several of its patterns match", arguments: HubLayout.allCases)
    func deliveredOncePerSubscription(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let subscription = try rig.subscribe("agents.>", "agents.coder.out", "*.coder.*", name: "greedy")
        let report = try await rig.publish(.text("x"), to: "agents.coder.out")
        #expect(report.delivered == 1)
        subscription.close()
        var inbox = Inbox(subscription)
        #expect(try await inbox.drain().map(\.text) == ["x"])
        #expect(subscription.statistics.delivered == 1)
        #expect(rig.counts(of: "agents.coder.out")?.delivered == 1)
    }

    @Test("fan-out: every one of N subscribers receives every artifact, in order", arguments: HubLayout.allCases)
    func fanOut(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let subscribers = 5
        let subscriptions = try (0..<subscribers).map { try rig.subscribe("news", name: "reader-\($0)") }
        var total = DeliveryReport()
        for index in 0..<3 { total.add(try await rig.publish(.text("n\(index)"), to: "news")) }
        #expect(total.delivered == subscribers * 3)
        #expect(total.dropped == 0 && total.rejected == 0 && total.deadLettered == 0)
        rig.close()
        for subscription in subscriptions {
            var inbox = Inbox(subscription)
            #expect(try await inbox.drain().map(\.text) == ["n0", "n1", "n2"], "\(subscription.name)")
        }
        let news = try #require(rig.counts(of: "news"))
        #expect(news.published == 3)
        #expect(news.delivered == subscribers * 3)
    }

    @Test("send(_:to:) reaches only the addressed subscription")
    func directAddressing() async throws {
        let hub = Hub()
        let first = try hub.subscribe("shared", name: "first")
        let second = try hub.subscribe("shared", name: "second")
        let report = try await hub.send(.text("just for you"), to: second.id)
        #expect(report.delivered == 1)
        #expect(first.statistics.delivered == 0)
        #expect(second.statistics.delivered == 1)
        hub.close()
        var firstInbox = Inbox(first)
        var secondInbox = Inbox(second)
        #expect(try await firstInbox.drain().isEmpty)
        #expect(try await secondInbox.drain().map(\.text) == ["just for you"])
        #expect(hub.statistics.topics[Topic.direct.name]?.published == 1)
        #expect(hub.statistics.topics[Topic.direct.name]?.delivered == 1)
        #expect(first.id != second.id)
        #expect(hub.subscriptions.isEmpty)
    }

    @Test("broadcast reaches every subscription that accepts the type, whatever its patterns", arguments: HubLayout.allCases)
    func broadcast(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let text = try rig.subscribe("a", name: "text", accepts: [.plainText])
        let json = try rig.subscribe("b", name: "json", accepts: [.json])
        let anything = try rig.subscribe("c.>", name: "anything")
        let report = try await rig.broadcast(.text("hello all"))
        #expect(report.delivered == 2)
        #expect(report.deadLettered == 0)
        rig.close()
        var inboxes = [Inbox(text), Inbox(json), Inbox(anything)]
        var received: [[String]] = []
        for index in inboxes.indices { received.append(try await inboxes[index].drain().map(\.text)) }
        #expect(received == [["hello all"], [], ["hello all"]])
        #expect(json.statistics.rejected == 0, "a broadcast skips, not rejects, other types")
    }

    @Test("under block, a full subscription makes the publisher wait until its reader reads", arguments: HubLayout.allCases)
    func publisherBackpressure(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let slow = try rig.subscribe("work", name: "slow", capacity: 1, policy: .block)
        try await rig.publish(.text("first"), to: "work")
        let log = Recorder<String>()
        let aboutToPublish = Gate()
        let published = Gate()
        let publisher = Task {
            aboutToPublish.open()
            let report = try await rig.publish(.text("second"), to: "work")
            log.append("publish returned")
            published.open()
            return report
        }
        try await aboutToPublish.wait()
        #expect(await published.opens(within: 0.1) == false, "the publisher must wait for room")
        #expect(slow.buffer.statistics.blockedWriters == 1)
        #expect(rig.inFlight == 2)

        var inbox = Inbox(slow)
        log.append("reader takes")
        #expect(try await inbox.take(1).map(\.text) == ["first"])
        let report = try await withDeadline { try await publisher.value }
        #expect(report.delivered == 1)
        #expect(log.values == ["reader takes", "publish returned"])
        #expect(try await inbox.take(1).map(\.text) == ["second"])
        #expect(rig.inFlight == 0)
    }

    @Test("a publisher cancelled while waiting for room throws CancellationError and nothing stays in flight", arguments: HubLayout.allCases)
    func cancelledPublisher(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let slow = try rig.subscribe("work", name: "slow", capacity: 1, policy: .block)
        try await rig.publish(.text("first"), to: "work")
        let aboutToPublish = Gate()
        let publisher = Task {
            aboutToPublish.open()
            try await rig.publish(.text("second"), to: "work")
        }
        try await aboutToPublish.wait()
        #expect(await Gate().opens(within: 0.05) == false)
        publisher.cancel()
        let result = try await withDeadline { await publisher.result }
        #expect(throws: CancellationError.self) { _ = try result.get() }
        #expect(slow.buffer.statistics.blockedWriters == 0)
        #expect(rig.inFlight == 1, "only the queued first artifact")
        slow.close()
        var inbox = Inbox(slow)
        #expect(try await inbox.drain().map(\.text) == ["first"])
        #expect(rig.inFlight == 0)
    }

    @Test("statistics per topic and per subscription are exact", arguments: HubLayout.allCases)
    func statistics(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let all = try rig.subscribe("orders.>", name: "all", capacity: 8)
        let textOnly = try rig.subscribe("orders.new", name: "text-only", accepts: [.plainText], capacity: 8)
        try await rig.publish(.text("a"), to: "orders.new")
        try await rig.publish(try .json(["b": 1]), to: "orders.new")
        try await rig.publish(.text("c"), to: "orders.paid")
        try await rig.publish(.text("d"), to: "nobody.listens")

        let statistics = rig.subscriber.statistics
        // The JSON order is refused by text-only but taken by all: rejected, not dead-lettered.
        #expect(rig.counts(of: "orders.new") == TopicCounts(published: 2, delivered: 3, dropped: 0, rejected: 1, deadLettered: 0))
        #expect(rig.counts(of: "orders.paid") == TopicCounts(published: 1, delivered: 1, dropped: 0, rejected: 0, deadLettered: 0))
        #expect(rig.counts(of: "nobody.listens") == TopicCounts(published: 1, delivered: 0, dropped: 0, rejected: 0, deadLettered: 1))
        #expect(rig.deadLettered == 1)
        #expect(rig.deadLettersUnread == 1)
        #expect(rig.inFlight == 4)
        #expect(statistics.subscriptions.map(\.name) == ["all", "text-only"])
        let allStatistics = statistics.subscriptions[0]
        #expect(allStatistics.id == all.id && allStatistics.patterns == ["orders.>"])
        #expect(allStatistics.delivered == 3 && allStatistics.pending == 3 && allStatistics.rejected == 0)
        #expect(allStatistics.highWaterMark == 3)
        let textStatistics = statistics.subscriptions[1]
        #expect(textStatistics.id == textOnly.id)
        #expect(textStatistics.delivered == 1 && textStatistics.pending == 1 && textStatistics.rejected == 1)
        #expect(textStatistics.dropped == 0)

        var inbox = Inbox(all)
        _ = try await inbox.take(3)
        #expect(rig.subscriber.statistics.subscriptions[0].pending == 0)
        #expect(rig.inFlight == 1)
    }

    @Test("waitUntilIdle() returns at once when nothing is in flight", arguments: HubLayout.allCases)
    func idleAtOnce(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        _ = try rig.subscribe("x", name: "x")
        try await withDeadline { await rig.waitUntilIdle() }
    }

    @Test("waitUntilIdle() returns only once the reader has taken every artifact (automatic settling)", arguments: HubLayout.allCases)
    func waitUntilIdleAutomatic(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let subscription = try rig.subscribe("jobs", name: "worker")
        for index in 0..<3 { try await rig.publish(.text("\(index)"), to: "jobs") }
        let idle = Gate()
        let waiter = Task {
            await rig.waitUntilIdle()
            idle.open()
        }
        var iterator = subscription.makeAsyncIterator()
        for _ in 0..<2 { _ = try await iterator.next() }
        #expect(await idle.opens(within: 0.05) == false, "one artifact is still queued")
        #expect(rig.inFlight == 1)
        _ = try await iterator.next()
        try await withDeadline { try await idle.wait() }
        await waiter.value
        #expect(rig.inFlight == 0)
    }

    @Test("waitUntilIdle() waits for every settle() of a manual-settling iterator", arguments: HubLayout.allCases)
    func waitUntilIdleManual(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let subscription = try rig.subscribe("jobs", name: "worker")
        for index in 0..<3 { try await rig.publish(.text("\(index)"), to: "jobs") }
        let idle = Gate()
        let waiter = Task {
            await rig.waitUntilIdle()
            idle.open()
        }
        var iterator = subscription.makeAsyncIterator(settlingAutomatically: false)
        for _ in 0..<3 { _ = try await iterator.next() }
        subscription.close()
        #expect(try await iterator.next() == nil)
        #expect(await idle.opens(within: 0.05) == false, "nothing is settled yet")
        subscription.settle(2)
        #expect(rig.inFlight == 1)
        #expect(await idle.opens(within: 0.05) == false, "one artifact is still being handled")
        subscription.settle()
        try await withDeadline { try await idle.wait() }
        await waiter.value
        #expect(rig.inFlight == 0)
    }

    @Test("hasSubscribers and subscriptions follow subscribe, close and cancel")
    func subscriptionsList() throws {
        let hub = Hub()
        #expect(!hub.hasSubscribers(parseTopic("a.b")))
        let first = try hub.subscribe("a.*", name: "first")
        let second = try hub.subscribe("a.b", name: "second")
        #expect(hub.hasSubscribers(parseTopic("a.b")))
        #expect(!hub.hasSubscribers(parseTopic("b")))
        #expect(hub.subscriptions.map(\.name) == ["first", "second"])
        first.close()
        #expect(hub.subscriptions.map(\.name) == ["second"])
        second.cancel()
        #expect(hub.subscriptions.isEmpty)
        #expect(!hub.hasSubscribers(parseTopic("a.b")))
        #expect(throws: TopicError.self) { try hub.subscribe("a..b", name: "bad") }
    }

    @Test("a subscription can be given its own buffer, whose capacity and policy win")
    func customBuffer() async throws {
        let hub = Hub(options: HubOptions(capacity: 64, policy: .block))
        let buffer = Buffer<Artifact>(capacity: 1, policy: .dropNewest)
        let subscription = hub.subscribe([parsePattern("t")], name: "custom", capacity: 99, policy: .fail, buffer: buffer)
        #expect(subscription.buffer === buffer)
        try await hub.publish(.text("kept"), to: parseTopic("t"))
        let report = try await hub.publish(.text("dropped"), to: parseTopic("t"))
        #expect(report.dropped == 1)
        #expect(buffer.statistics.dropped == 1)
    }

    @Test("hub options give every subscription its default capacity and policy")
    func hubDefaults() throws {
        let hub = Hub(options: HubOptions(capacity: 7, policy: .dropOldest))
        let subscription = try hub.subscribe("t", name: "s")
        #expect(subscription.buffer.capacity == 7)
        #expect(subscription.buffer.policy == .dropOldest)
        let own = try hub.subscribe("t", name: "own", capacity: 2, policy: .fail)
        #expect(own.buffer.capacity == 2 && own.buffer.policy == .fail)
        #expect(Hub().options.capacity == 1024 && Hub().options.policy == .block)
    }

    @Test("close() ends every subscription after its queue is read; shutdown() too", arguments: HubLayout.allCases)
    func closeAndShutdown(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let first = try rig.subscribe("a", name: "a")
        let second = try rig.subscribe("b", name: "b")
        try await rig.publish(.text("queued"), to: "a")
        await rig.shutdown()
        #expect(rig.subscriber.subscriptions.isEmpty)
        var firstInbox = Inbox(first)
        var secondInbox = Inbox(second)
        #expect(try await firstInbox.drain().map(\.text) == ["queued"])
        #expect(try await secondInbox.drain().isEmpty)
        let report = try await rig.publish(.text("late"), to: "a")
        #expect(report.deadLettered == 1, "nobody listens after close")
    }
}
