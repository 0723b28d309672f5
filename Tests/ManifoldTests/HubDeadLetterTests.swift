import Foundation
import Manifold
import Testing

@Suite("Hub dead letters")
struct HubDeadLetterTests {
    @Test("a type one subscriber refuses is counted as rejected for it, and not dead-lettered when another takes it", arguments: HubLayout.allCases)
    func rejectedByOneAcceptedByAnother(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let picky = try rig.subscribe("inbox", name: "picky", accepts: [.plainText])
        let open = try rig.subscribe("inbox", name: "open")
        let json = try Artifact.json(["x": 1])
        let report = try await rig.publish(json, to: "inbox")
        #expect(report.delivered == 1)
        #expect(report.rejected == 1)
        #expect(report.deadLettered == 0)
        #expect(picky.statistics.rejected == 1)
        #expect(picky.statistics.delivered == 0)
        #expect(open.statistics.delivered == 1)
        #expect(rig.counts(of: "inbox") == TopicCounts(published: 1, delivered: 1, dropped: 0, rejected: 1, deadLettered: 0))
        #expect(rig.deadLettered == 0)
    }

    @Test("a type no subscriber accepts is dead-lettered with reason, subscriber and detail", arguments: HubLayout.allCases)
    func rejectedType(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        var deadLetters = try rig.publisher.deadLetterInbox()
        let picky = try rig.subscribe("inbox", name: "picky", accepts: [.plainText])
        let json = try Artifact.json(["x": 1])
        let report = try await rig.publish(json, to: "inbox")
        #expect(report.delivered == 0)
        #expect(report.rejected == 1)
        #expect(report.deadLettered == 1)
        // Over a link the artifact never leaves the publishing hub: the refusal is counted there.
        #expect(picky.statistics.rejected == (layout == .inProcess ? 1 : 0))
        #expect(rig.counts(of: "inbox") == TopicCounts(published: 1, delivered: 0, dropped: 0, rejected: 1, deadLettered: 1))

        let letter = try #require(try await deadLetters.take(1).first)
        #expect(letter.id == json.id)
        #expect(letter.type == .json)
        #expect(letter.payload == json.payload)
        #expect(letter.deadLetterReason == DeadLetterReason.rejectedType.rawValue)
        #expect(letter.deadLetterSubscriber == "picky")
        #expect(letter.deadLetterTopic == "inbox")
        #expect(letter.deadLetterDetail == "no subscription of 'inbox' accepts application/json: 'picky' accepts {text/plain}")
    }

    @Test("an artifact published where nobody listens is dead-lettered no-subscriber", arguments: HubLayout.allCases)
    func noSubscriber(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        var deadLetters = try rig.publisher.deadLetterInbox()
        let artifact = Artifact.text("lost")
        let report = try await rig.publish(artifact, to: "nowhere.at.all")
        #expect(report.deadLettered == 1)
        #expect(report.delivered == 0)
        let letter = try #require(try await deadLetters.take(1).first)
        #expect(letter.id == artifact.id)
        #expect(letter.deadLetterReason == "no-subscriber")
        #expect(letter.deadLetterTopic == "nowhere.at.all")
        #expect(letter.deadLetterSubscriber == nil)
        #expect(letter.deadLetterDetail == "no subscription listens to topic 'nowhere.at.all'")
        #expect(rig.deadLettered == 1)
        #expect(rig.deadLettersUnread == 0)
        #expect(rig.inFlight == 0)
    }

    @Test("a broadcast nobody accepts is dead-lettered; direct sends to unknown ids are too")
    func broadcastAndDirectDeadLetters() async throws {
        let hub = Hub()
        var deadLetters = try hub.deadLetterInbox()
        let textOnly = try hub.subscribe("t", name: "text-only", accepts: [.plainText])
        let image = Artifact(type: parseType("image/png"))
        let broadcastReport = try await hub.broadcast(image)
        #expect(broadcastReport.delivered == 1, "the dead-letter subscription hears broadcasts too")
        let heard = try #require(try await deadLetters.take(1).first)
        #expect(heard.id == image.id && heard.deadLetterReason == nil)

        let refused = try await hub.broadcast(.text("hi", type: parseType("text/markdown")))
        #expect(refused.delivered == 1)
        _ = try await deadLetters.take(1)

        let gone = try hub.subscribe("t", name: "gone")
        gone.cancel()
        let direct = try await hub.send(.text("to nobody"), to: gone.id)
        #expect(direct.deadLettered == 1)
        let unknown = try #require(try await deadLetters.take(1).first)
        #expect(unknown.deadLetterReason == "unknown-subscriber")
        #expect(unknown.deadLetterDetail == "no subscription \(gone.id) on this hub")

        let wrongType = try await hub.send(try .json([1]), to: textOnly.id)
        #expect(wrongType.rejected == 1)
        let rejected = try #require(try await deadLetters.take(1).first)
        #expect(rejected.deadLetterReason == "rejected-type")
        #expect(rejected.deadLetterTopic == Topic.direct.name)
        #expect(rejected.deadLetterSubscriber == "text-only")
    }

    @Test("a broadcast that no subscription accepts goes to recentDeadLetters as rejected-type", arguments: HubLayout.allCases)
    func broadcastRejected(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        _ = try rig.subscribe("t", name: "text-only", accepts: [.plainText])
        let report = try await rig.broadcast(Artifact(type: parseType("image/png")))
        #expect(report.delivered == 0 && report.deadLettered == 1)
        let letter = try #require(rig.recentDeadLetters.last)
        #expect(letter.deadLetterReason == "rejected-type")
        #expect(letter.deadLetterTopic == Topic.broadcast.name)
        #expect(letter.deadLetterDetail == "no subscription accepts this broadcast")
    }

    @Test("drop and fail policies dead-letter exactly what they lose, while a block subscriber receives everything", arguments: HubLayout.allCases)
    func slowSubscribersNeverMakeOthersLose(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        var deadLetters = try rig.subscriber.deadLetterInbox()
        let oldest = rig.subscriber.subscribe([parsePattern("work")], name: "oldest", capacity: 2, policy: .dropOldest)
        let newest = rig.subscriber.subscribe([parsePattern("work")], name: "newest", capacity: 2, policy: .dropNewest)
        let failing = rig.subscriber.subscribe([parsePattern("work")], name: "failing", capacity: 2, policy: .fail)
        let lossless = rig.subscriber.subscribe([parsePattern("work")], name: "lossless", capacity: 2, policy: .block)
        let reader = Task {
            var inbox = Inbox(lossless)
            return try await inbox.drain().map(\.text)
        }
        let count = 10
        let total = try await withDeadline {
            var total = DeliveryReport()
            for index in 0..<count { total.add(try await rig.publish(.text("\(index)"), to: "work")) }
            return total
        }
        let lost = count - 2
        #expect(total.delivered == count + count + 2 + 2)
        #expect(total.dropped == 3 * lost)
        #expect(total.deadLettered == 3 * lost)

        lossless.close()
        #expect(try await withDeadline { try await reader.value } == (0..<count).map(String.init))

        let letters = try await deadLetters.take(3 * lost)
        func texts(_ reason: DeadLetterReason) -> [String] {
            letters.filter { $0.deadLetterReason == reason.rawValue }.map(\.text)
        }
        #expect(texts(.droppedOldest) == (0..<lost).map(String.init))
        #expect(texts(.droppedNewest) == (2..<count).map(String.init))
        #expect(texts(.refusedFull) == (2..<count).map(String.init))
        let bySubscriber = Dictionary(grouping: letters, by: { $0.deadLetterSubscriber ?? "?" }).mapValues(\.count)
        #expect(bySubscriber == ["oldest": lost, "newest": lost, "failing": lost])
        let detail = try #require(letters.first { $0.deadLetterSubscriber == "failing" }?.deadLetterDetail)
        #expect(detail == "subscription 'failing' is full (capacity 2, policy fail)")

        for subscription in [oldest, newest, failing] {
            #expect(subscription.statistics.dropped == lost, "\(subscription.name)")
            #expect(subscription.statistics.pending == 2, "\(subscription.name)")
        }
        #expect(oldest.statistics.delivered == count)
        #expect(newest.statistics.delivered == 2)
        #expect(failing.statistics.delivered == 2)
        #expect(lossless.statistics.dropped == 0)
        #expect(rig.counts(of: "work") == TopicCounts(published: count, delivered: 2 * count + 4, dropped: 3 * lost, rejected: 0, deadLettered: 3 * lost))
        #expect(rig.deadLettered == 3 * lost)
        #expect(rig.inFlight == 6, "the 2 queued in each of the 3 unread subscriptions")
    }

    @Test("a cancelled subscription's queued artifacts are dead-lettered subscription-cancelled", arguments: HubLayout.allCases)
    func cancelledSubscription(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        var deadLetters = try rig.subscriber.deadLetterInbox()
        let doomed = try rig.subscribe("jobs", name: "doomed")
        for index in 0..<3 { try await rig.publish(.text("\(index)"), to: "jobs") }
        #expect(rig.inFlight == 3)
        doomed.cancel()
        #expect(!rig.subscriber.subscriptions.contains { $0.id == doomed.id })
        #expect(doomed.statistics.dropped == 3)
        let letters = try await deadLetters.take(3)
        #expect(letters.map(\.text) == ["0", "1", "2"])
        #expect(letters.allSatisfy { $0.deadLetterReason == "subscription-cancelled" })
        #expect(letters.allSatisfy { $0.deadLetterSubscriber == "doomed" })
        #expect(letters.first?.deadLetterDetail == "subscription 'doomed' was cancelled")
        #expect(rig.inFlight == 0)
        var inbox = Inbox(doomed)
        #expect(try await inbox.drain().isEmpty)
    }

    @Test("with nobody on $dead-letter, recentDeadLetters keeps the last 100 and the rest are counted unread", arguments: HubLayout.allCases)
    func recentDeadLetters(layout: HubLayout) async throws {
        let rig = try HubRig(layout)
        let ids = (0..<105).map { ArtifactID("id-\($0)") }
        for id in ids { try await rig.publish(Artifact(id: id, type: .plainText), to: "void") }
        let recent = rig.recentDeadLetters
        #expect(recent.count == 100)
        #expect(recent.map(\.id) == Array(ids.suffix(100)))
        #expect(recent.allSatisfy { $0.deadLetterReason == "no-subscriber" && $0.deadLetterTopic == "void" })
        #expect(rig.deadLettered == 105)
        #expect(rig.deadLettersUnread == 105)
    }

    @Test("a full dead-letter subscription never blocks delivery; overflow is counted unread")
    func fullDeadLetterQueue() async throws {
        let hub = Hub()
        let deadLetters = try hub.subscribe(Topic.deadLetter.name, name: "dlq", capacity: 2, policy: .block)
        try await withDeadline {
            for index in 0..<5 { try await hub.publish(.text("\(index)"), to: parseTopic("void")) }
        }
        #expect(deadLetters.statistics.pending == 2)
        #expect(deadLetters.statistics.dropped == 3)
        #expect(hub.statistics.deadLettered == 5)
        #expect(hub.statistics.deadLettersUnread == 3)
        #expect(hub.statistics.inFlight == 2)
    }

    @Test("components can dead-letter on their own account")
    func componentDeadLetter() async throws {
        let hub = Hub()
        var deadLetters = try hub.deadLetterInbox()
        hub.deadLetter([.text("x")], reason: .noOutputTopic, topic: parseTopic("a.b"), by: "node-7", detail: "why")
        let letter = try #require(try await deadLetters.take(1).first)
        #expect(letter.deadLetterReason == "no-output-topic")
        #expect(letter.deadLetterSubscriber == "node-7")
        #expect(letter.deadLetterTopic == "a.b")
        #expect(letter.deadLetterDetail == "why")
    }
}
