import Foundation
import Manifold
import Synchronization
import Testing

@Suite("Hub under concurrency")
struct HubConcurrencyTests {
    /// Reads a whole subscription and checks that each publisher's artifacts arrive in order.
    static func readAll(_ subscription: Subscription, publishers: Int) async throws -> (count: Int, outOfOrder: Int) {
        var inbox = Inbox(subscription)
        var next = [Int](repeating: 0, count: publishers)
        var count = 0
        var outOfOrder = 0
        while let artifact = try await inbox.next() {
            guard let publisher = Int(artifact.metadata["p"] ?? ""), let sequence = Int(artifact.metadata["n"] ?? "") else {
                outOfOrder += 1
                continue
            }
            if next[publisher] != sequence { outOfOrder += 1 }
            next[publisher] = sequence + 1
            count += 1
        }
        return (count, outOfOrder)
    }

    @Test("8 publishers × 500 while subscriptions come and go: no crash, exact totals for the stayers",
        arguments: HubLayout.allCases)
    func publishSubscribeUnsubscribe(layout: HubLayout) async throws {
        let rig = try HubRig(layout, capacity: 16, policy: .block)
        let hub = rig.subscriber
        let publishers = 8
        let perPublisher = 500
        let stayers = [
            try hub.subscribe("load.>", name: "stayer-tail"),
            try hub.subscribe("load.*", name: "stayer-single"),
            try hub.subscribe("load.p3", "load.*", name: "stayer-overlapping"),
        ]
        try await rig.ready()
        let churned = Counter()
        let publishingDone = Gate()

        let results = try await withDeadline(seconds: 30, "the concurrent publish run") {
            try await withThrowingTaskGroup(of: (String, Int, Int).self) { group in
                for stayer in stayers {
                    group.addTask {
                        let (count, outOfOrder) = try await Self.readAll(stayer, publishers: publishers)
                        return (stayer.name, count, outOfOrder)
                    }
                }
                // Subscriptions that come and go while publishing runs, with every policy.
                for churner in 0..<4 {
                    group.addTask {
                        let policies: [BackpressurePolicy] = [.block, .dropOldest, .dropNewest, .fail]
                        var round = 0
                        while !publishingDone.isOpen {
                            let policy = policies[(round + churner) % policies.count]
                            let subscription = hub.subscribe(
                                [parsePattern(round % 2 == 0 ? "load.>" : "load.p\(round % publishers)")],
                                name: "churn-\(churner)-\(round)", capacity: 4, policy: policy)
                            if round % 3 == 0 {
                                // Let some arrive, then close and read the rest.
                                await Task.yield()
                                subscription.close()
                                var inbox = Inbox(subscription)
                                _ = try await inbox.drain()
                            } else {
                                await Task.yield()
                                subscription.cancel()
                            }
                            churned.increment()
                            round += 1
                        }
                        return ("churn", 0, 0)
                    }
                }
                try await withThrowingTaskGroup(of: Void.self) { publishing in
                    for publisher in 0..<publishers {
                        publishing.addTask {
                            let topic = parseTopic("load.p\(publisher)")
                            for sequence in 0..<perPublisher {
                                let artifact = Artifact.text("x", metadata: ["p": "\(publisher)", "n": "\(sequence)"])
                                try await rig.publisher.publish(artifact, to: topic)
                            }
                        }
                    }
                    try await publishing.waitForAll()
                }
                publishingDone.open()
                for stayer in stayers { stayer.close() }
                var results: [(String, Int, Int)] = []
                for try await result in group where result.0 != "churn" { results.append(result) }
                return results.sorted { $0.0 < $1.0 }
            }
        }

        let total = publishers * perPublisher
        #expect(results.map(\.0) == ["stayer-overlapping", "stayer-single", "stayer-tail"])
        for (name, count, outOfOrder) in results {
            #expect(count == total, "\(name) received \(count) of \(total)")
            #expect(outOfOrder == 0, "\(name) saw \(outOfOrder) artifacts out of publisher order")
        }
        for stayer in stayers {
            let statistics = stayer.statistics
            #expect(statistics.delivered == total, "\(stayer.name)")
            #expect(statistics.dropped == 0 && statistics.rejected == 0 && statistics.pending == 0, "\(stayer.name)")
        }
        #expect(churned.current > 0)
        for publisher in 0..<publishers {
            #expect(rig.publisher.statistics.topics["load.p\(publisher)"]?.published == perPublisher)
        }
        #expect(hub.statistics.subscriptions.isEmpty)
        try await withDeadline { await rig.waitUntilIdle() }
        #expect(rig.inFlight == 0)
    }

    @Test("concurrent subscribe and unsubscribe keep the subscription list consistent")
    func subscriptionTable() async throws {
        let hub = Hub()
        let kept = try await withThrowingTaskGroup(of: [SubscriptionID].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var kept: [SubscriptionID] = []
                    for round in 0..<200 {
                        let subscription = try hub.subscribe("t.\(task).\(round)", name: "s-\(task)-\(round)")
                        if round % 4 == 0 { kept.append(subscription.id) } else { subscription.cancel() }
                    }
                    return kept
                }
            }
            var all: [SubscriptionID] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(Set(kept).count == kept.count, "ids are unique")
        #expect(hub.subscriptions.map(\.id) == kept.sorted())
        #expect(hub.hasSubscribers(parseTopic("t.3.8")))
        #expect(!hub.hasSubscribers(parseTopic("t.3.9")))
    }

    @Test("many concurrent waitUntilIdle() callers are all woken when the last artifact settles",
        arguments: HubLayout.allCases)
    func manyIdleWaiters(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let subscription = try rig.subscribe("jobs", name: "worker")
        for index in 0..<10 { try await rig.publish(.text("\(index)"), to: "jobs") }
        let woken = Counter()
        let allWoken = Latch(count: 20)
        for _ in 0..<20 {
            Task {
                await rig.waitUntilIdle()
                woken.increment()
                allWoken.arrive()
            }
        }
        var inbox = Inbox(subscription)
        _ = try await inbox.take(9)
        #expect(await Gate().opens(within: 0.02) == false)
        #expect(woken.current == 0)
        _ = try await inbox.take(1)
        try await withDeadline { try await allWoken.wait() }
        #expect(woken.current == 20)
    }
}
