import Foundation
import Manifold
import Testing

@Suite("Hub delivery")
struct HubDeliveryTests {
    @Test("exact and wildcard subscriptions receive what matches, and only that")
    func exactAndWildcard() async throws {
        let hub = Hub()
        let exact = try hub.subscribe("agents.coder.out", name: "exact")
        let single = try hub.subscribe("agents.*.out", name: "single")
        let tail = try hub.subscribe("agents.>", name: "tail")
        for name in ["agents.coder.out", "agents.tester.out", "agents.coder.in", "agents.out", "other.coder.out"] {
            try await hub.publish(.text(name), to: parseTopic(name))
        }
        hub.close()
        var inboxes = [Inbox(exact), Inbox(single), Inbox(tail)]
        var received: [[String]] = []
        for index in inboxes.indices { received.append(try await inboxes[index].drain().map(\.text)) }
        #expect(received[0] == ["agents.coder.out"])
        #expect(received[1] == ["agents.coder.out", "agents.tester.out"])
        #expect(received[2] == ["agents.coder.out", "agents.tester.out", "agents.coder.in", "agents.out"])
        #expect(hub.statistics.inFlight == 0)
    }

    @Test("an artifact is delivered once to a subscription even when several of its patterns match")
    func deliveredOncePerSubscription() async throws {
        let hub = Hub()
        let subscription = try hub.subscribe("agents.>", "agents.coder.out", "*.coder.*", name: "greedy")
        let report = try await hub.publish(.text("x"), to: parseTopic("agents.coder.out"))
        #expect(report.delivered == 1)
        subscription.close()
        var inbox = Inbox(subscription)
        #expect(try await inbox.drain().map(\.text) == ["x"])
        #expect(subscription.statistics.delivered == 1)
        #expect(hub.statistics.topics["agents.coder.out"]?.delivered == 1)
    }

    @Test("fan-out: every one of N subscribers receives every artifact, in order")
    func fanOut() async throws {
        let hub = Hub()
        let subscribers = 5
        let subscriptions = try (0..<subscribers).map { try hub.subscribe("news", name: "reader-\($0)") }
        var total = DeliveryReport()
        for index in 0..<3 { total.add(try await hub.publish(.text("n\(index)"), to: parseTopic("news"))) }
        #expect(total.delivered == subscribers * 3)
        #expect(total.dropped == 0 && total.rejected == 0 && total.deadLettered == 0)
        hub.close()
        for subscription in subscriptions {
            var inbox = Inbox(subscription)
            #expect(try await inbox.drain().map(\.text) == ["n0", "n1", "n2"], "\(subscription.name)")
        }
        let news = try #require(hub.statistics.topics["news"])
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

    @Test("broadcast reaches every subscription that accepts the type, whatever its patterns")
    func broadcast() async throws {
        let hub = Hub()
        let text = try hub.subscribe("a", name: "text", accepts: [.plainText])
        let json = try hub.subscribe("b", name: "json", accepts: [.json])
        let anything = try hub.subscribe("c.>", name: "anything")
        let report = try await hub.broadcast(.text("hello all"))
        #expect(report.delivered == 2)
        #expect(report.deadLettered == 0)
        hub.close()
        var inboxes = [Inbox(text), Inbox(json), Inbox(anything)]
        var received: [[String]] = []
        for index in inboxes.indices { received.append(try await inboxes[index].drain().map(\.text)) }
        #expect(received == [["hello all"], [], ["hello all"]])
        #expect(json.statistics.rejected == 0, "a broadcast skips, not rejects, other types")
    }

    @Test("under block, a full subscription makes the publisher wait until its reader reads")
    func publisherBackpressure() async throws {
        let hub = Hub()
        let slow = try hub.subscribe("work", name: "slow", capacity: 1, policy: .block)
        try await hub.publish(.text("first"), to: parseTopic("work"))
        let log = Recorder<String>()
        let aboutToPublish = Gate()
        let published = Gate()
        let publisher = Task {
            aboutToPublish.open()
            let report = try await hub.publish(.text("second"), to: parseTopic("work"))
            log.append("publish returned")
            published.open()
            return report
        }
        try await aboutToPublish.wait()
        #expect(await published.opens(within: 0.1) == false, "the publisher must wait for room")
        #expect(slow.buffer.statistics.blockedWriters == 1)
        #expect(hub.statistics.inFlight == 2)

        var inbox = Inbox(slow)
        log.append("reader takes")
        #expect(try await inbox.take(1).map(\.text) == ["first"])
        let report = try await withDeadline { try await publisher.value }
        #expect(report.delivered == 1)
        #expect(log.values == ["reader takes", "publish returned"])
        #expect(try await inbox.take(1).map(\.text) == ["second"])
        #expect(hub.statistics.inFlight == 0)
    }

    @Test("a publisher cancelled while waiting for room throws CancellationError and nothing stays in flight")
    func cancelledPublisher() async throws {
        let hub = Hub()
        let slow = try hub.subscribe("work", name: "slow", capacity: 1, policy: .block)
        try await hub.publish(.text("first"), to: parseTopic("work"))
        let aboutToPublish = Gate()
        let publisher = Task {
            aboutToPublish.open()
            try await hub.publish(.text("second"), to: parseTopic("work"))
        }
        try await aboutToPublish.wait()
        #expect(await Gate().opens(within: 0.05) == false)
        publisher.cancel()
        let result = try await withDeadline { await publisher.result }
        #expect(throws: CancellationError.self) { _ = try result.get() }
        #expect(slow.buffer.statistics.blockedWriters == 0)
        #expect(hub.statistics.inFlight == 1, "only the queued first artifact")
        slow.close()
        var inbox = Inbox(slow)
        #expect(try await inbox.drain().map(\.text) == ["first"])
        #expect(hub.statistics.inFlight == 0)
    }

    @Test("statistics per topic and per subscription are exact")
    func statistics() async throws {
        let hub = Hub()
        let all = try hub.subscribe("orders.>", name: "all", capacity: 8)
        let textOnly = try hub.subscribe("orders.new", name: "text-only", accepts: [.plainText], capacity: 8)
        try await hub.publish(.text("a"), to: parseTopic("orders.new"))
        try await hub.publish(try .json(["b": 1]), to: parseTopic("orders.new"))
        try await hub.publish(.text("c"), to: parseTopic("orders.paid"))
        try await hub.publish(.text("d"), to: parseTopic("nobody.listens"))

        let statistics = hub.statistics
        // The JSON order is refused by text-only but taken by all: rejected, not dead-lettered.
        #expect(hub.counts(of: "orders.new") == TopicCounts(published: 2, delivered: 3, dropped: 0, rejected: 1, deadLettered: 0))
        #expect(hub.counts(of: "orders.paid") == TopicCounts(published: 1, delivered: 1, dropped: 0, rejected: 0, deadLettered: 0))
        #expect(hub.counts(of: "nobody.listens") == TopicCounts(published: 1, delivered: 0, dropped: 0, rejected: 0, deadLettered: 1))
        #expect(statistics.deadLettered == 1)
        #expect(statistics.deadLettersUnread == 1)
        #expect(statistics.inFlight == 4)
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
        #expect(hub.statistics.subscriptions[0].pending == 0)
        #expect(hub.statistics.inFlight == 1)
    }

    @Test("waitUntilIdle() returns at once when nothing is in flight")
    func idleAtOnce() async throws {
        let hub = Hub()
        _ = try hub.subscribe("x", name: "x")
        try await withDeadline { await hub.waitUntilIdle() }
    }

    @Test("waitUntilIdle() returns only once the reader has taken every artifact (automatic settling)")
    func waitUntilIdleAutomatic() async throws {
        let hub = Hub()
        let subscription = try hub.subscribe("jobs", name: "worker")
        for index in 0..<3 { try await hub.publish(.text("\(index)"), to: parseTopic("jobs")) }
        let idle = Gate()
        let waiter = Task {
            await hub.waitUntilIdle()
            idle.open()
        }
        var iterator = subscription.makeAsyncIterator()
        for _ in 0..<2 { _ = try await iterator.next() }
        #expect(await idle.opens(within: 0.05) == false, "one artifact is still queued")
        #expect(hub.statistics.inFlight == 1)
        _ = try await iterator.next()
        try await withDeadline { try await idle.wait() }
        await waiter.value
        #expect(hub.statistics.inFlight == 0)
    }

    @Test("waitUntilIdle() waits for every settle() of a manual-settling iterator")
    func waitUntilIdleManual() async throws {
        let hub = Hub()
        let subscription = try hub.subscribe("jobs", name: "worker")
        for index in 0..<3 { try await hub.publish(.text("\(index)"), to: parseTopic("jobs")) }
        let idle = Gate()
        let waiter = Task {
            await hub.waitUntilIdle()
            idle.open()
        }
        var iterator = subscription.makeAsyncIterator(settlingAutomatically: false)
        for _ in 0..<3 { _ = try await iterator.next() }
        subscription.close()
        #expect(try await iterator.next() == nil)
        #expect(await idle.opens(within: 0.05) == false, "nothing is settled yet")
        subscription.settle(2)
        #expect(hub.statistics.inFlight == 1)
        #expect(await idle.opens(within: 0.05) == false, "one artifact is still being handled")
        subscription.settle()
        try await withDeadline { try await idle.wait() }
        await waiter.value
        #expect(hub.statistics.inFlight == 0)
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

    @Test("close() ends every subscription after its queue is read; shutdown() too")
    func closeAndShutdown() async throws {
        let hub = Hub()
        let first = try hub.subscribe("a", name: "a")
        let second = try hub.subscribe("b", name: "b")
        try await hub.publish(.text("queued"), to: parseTopic("a"))
        await hub.shutdown()
        #expect(hub.subscriptions.isEmpty)
        var firstInbox = Inbox(first)
        var secondInbox = Inbox(second)
        #expect(try await firstInbox.drain().map(\.text) == ["queued"])
        #expect(try await secondInbox.drain().isEmpty)
        let report = try await hub.publish(.text("late"), to: parseTopic("a"))
        #expect(report.deadLettered == 1, "nobody listens after close")
    }
}
