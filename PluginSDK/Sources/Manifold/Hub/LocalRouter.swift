import DequeModule
import Synchronization

/// Delivers artifacts to this process's subscriptions: resolves which subscriptions hear a
/// topic (cached per topic), filters by type, writes into each subscription's buffer, and
/// sends everything that could not be delivered to `$dead-letter`.
final class LocalRouter: Sendable {
    /// How many dead letters `recentDeadLetters` keeps for inspection.
    static let recentDeadLetterLimit = 100
    /// Past this many cached routes the cache is cleared, so per-request topics cannot grow it forever.
    static let routeCacheLimit = 4096

    let tracker = InFlightTracker()
    let observers = RunObservers()
    private let table = Mutex(Table())
    private let deadLettered = Atomic<Int>(0)
    private let deadLettersUnread = Atomic<Int>(0)

    /// The subscriptions that hear one topic, and the topic's counters.
    final class Route: Sendable {
        let topic: Topic
        let subscriptions: [Subscription]
        let counters: TopicCounters

        init(topic: Topic, subscriptions: [Subscription], counters: TopicCounters) {
            self.topic = topic
            self.subscriptions = subscriptions
            self.counters = counters
        }
    }

    private struct Table {
        var subscriptions: [SubscriptionID: Subscription] = [:]
        var routes: [String: Route] = [:]
        var counters: [String: TopicCounters] = [:]
        var nextID: UInt64 = 0
        var recentDeadLetters = Deque<Artifact>()
    }

    // MARK: Subscriptions

    func makeSubscriptionID() -> SubscriptionID {
        table.withLock { table in
            table.nextID += 1
            return SubscriptionID(rawValue: table.nextID)
        }
    }

    func add(_ subscription: Subscription) {
        table.withLock { table in
            table.subscriptions[subscription.id] = subscription
            table.routes.removeAll(keepingCapacity: true)
        }
    }

    /// Removes a subscription; `false` if it was already gone (closed and then cancelled).
    @discardableResult
    func remove(_ subscription: Subscription) -> Bool {
        table.withLock { table in
            guard table.subscriptions.removeValue(forKey: subscription.id) != nil else { return false }
            table.routes.removeAll(keepingCapacity: true)
            return true
        }
    }

    var subscriptions: [Subscription] {
        table.withLock { $0.subscriptions.values.sorted { $0.id < $1.id } }
    }

    func subscription(_ id: SubscriptionID) -> Subscription? {
        table.withLock { $0.subscriptions[id] }
    }

    func route(for topic: Topic) -> Route {
        table.withLock { table in
            if let route = table.routes[topic.name] { return route }
            let listeners = table.subscriptions.values.filter { $0.listens(to: topic) }.sorted { $0.id < $1.id }
            let counters = Self.counters(for: topic.name, in: &table)
            let route = Route(topic: topic, subscriptions: listeners, counters: counters)
            if table.routes.count >= Self.routeCacheLimit { table.routes.removeAll(keepingCapacity: true) }
            table.routes[topic.name] = route
            return route
        }
    }

    private static func counters(for name: String, in table: inout Table) -> TopicCounters {
        if let counters = table.counters[name] { return counters }
        let counters = TopicCounters()
        table.counters[name] = counters
        return counters
    }

    // MARK: Delivery

    /// Delivers to every subscription that hears `topic`; for `$broadcast`, to every
    /// subscription that accepts the artifact's type.
    ///
    /// - Parameter audience: who hears the topic on other hubs; what they may accept is theirs
    ///   to deliver or dead-letter, so it is not dead-lettered here.
    func deliver(_ artifacts: [Artifact], to topic: Topic, audience: RemoteAudience = .nobody) async throws -> DeliveryReport {
        guard !artifacts.isEmpty else { return DeliveryReport() }
        return try await deliver(artifacts, to: topic, route: route(for: topic), audience: audience)
    }

    private func deliver(
        _ artifacts: [Artifact], to topic: Topic, route: Route, audience: RemoteAudience
    ) async throws -> DeliveryReport {
        route.counters.published.add(artifacts.count, ordering: .relaxed)
        if observers.isActive { for artifact in artifacts { observers.emit(.published(artifact, topic: topic)) } }
        var report = DeliveryReport()
        if topic == .broadcast {
            try await deliverBroadcast(artifacts, route: route, audience: audience, report: &report)
            return report
        }
        if route.subscriptions.isEmpty && topic == .deadLetter {
            deadLettersUnread.add(artifacts.count, ordering: .relaxed)
            return report
        }
        if route.subscriptions.isEmpty && audience.isEmpty {
            deadLetter(artifacts, reason: .noSubscriber, topic: topic, counters: route.counters, report: &report,
                detail: "no subscription listens to topic '\(topic)'")
            return report
        }
        // A subscriber refusing a type is routing by type: counted as rejected for that
        // subscription; only what no subscriber of the topic accepts is dead-lettered.
        var acceptedBySomeone = [Bool](repeating: false, count: artifacts.count)
        var refusers: [(name: String, accepts: ArtifactTypeSet)] = []
        for subscription in route.subscriptions {
            let accepted = filterAccepted(
                artifacts, by: subscription, route: route, report: &report, marking: &acceptedBySomeone)
            if accepted.count < artifacts.count { refusers.append((subscription.name, subscription.accepts)) }
            try await write(accepted, into: subscription, topic: topic, route: route, report: &report)
        }
        let remote = audience.knownListeners
        if !remote.isEmpty {
            // What no remote subscription accepts never leaves this hub: their refusals are counted here.
            let notForwarded = artifacts.count { !audience.mayAccept($0.type) }
            route.counters.rejected.add(notForwarded * remote.count, ordering: .relaxed)
            report.rejected += notForwarded * remote.count
            if observers.isActive {
                for artifact in artifacts where !audience.mayAccept(artifact.type) {
                    for listener in remote { observers.emit(.rejected(artifact, topic: topic, subscription: listener.name)) }
                }
            }
            refusers += remote.map { ($0.name, $0.accepts) }
        }
        // Most batches are taken whole by someone: then there is nothing to sort out.
        guard acceptedBySomeone.contains(false) else { return report }
        let unaccepted = zip(artifacts, acceptedBySomeone).filter { !$0.1 && !audience.mayAccept($0.0.type) }.map(\.0)
        if !unaccepted.isEmpty {
            let who = refusers.map { "'\($0.name)' accepts \($0.accepts)" }.joined(separator: "; ")
            deadLetter(
                unaccepted, reason: .rejectedType, topic: topic, subscriberName: refusers.count == 1 ? refusers[0].name : nil,
                counters: route.counters, report: &report,
                detail: "no subscription of '\(topic)' accepts \(unaccepted[0].type): \(who)")
        }
        return report
    }

    /// Delivers one artifact: the same as `deliver([artifact], to:)`, without the batch
    /// machinery (an array, a batch outcome with three arrays, a typed batch error) that a
    /// single artifact — what a Streamer publishes per emit — does not need.
    func deliver(_ artifact: Artifact, to topic: Topic) async throws -> DeliveryReport {
        let route = route(for: topic)
        if topic == .broadcast || route.subscriptions.isEmpty {
            return try await deliver([artifact], to: topic, route: route, audience: .nobody)
        }
        route.counters.published.add(1, ordering: .relaxed)
        if observers.isActive { observers.emit(.published(artifact, topic: topic)) }
        var report = DeliveryReport()
        var accepted = [false]
        var refusers: [Subscription] = []
        for subscription in route.subscriptions {
            if subscription.accepts == .any || subscription.accepts.accepts(artifact.type) {
                accepted[0] = true
                try await write(artifact, into: subscription, topic: topic, route: route, report: &report)
            } else {
                refusers.append(subscription)
                _ = filterAccepted([artifact], by: subscription, route: route, report: &report, marking: &accepted)
            }
        }
        if !accepted[0] {
            let who = refusers.map { "'\($0.name)' accepts \($0.accepts)" }.joined(separator: "; ")
            deadLetter(
                [artifact], reason: .rejectedType, topic: topic, subscriber: refusers.count == 1 ? refusers[0] : nil,
                counters: route.counters, report: &report,
                detail: "no subscription of '\(topic)' accepts \(artifact.type): \(who)")
        }
        return report
    }

    /// Delivers to one subscription by id.
    func deliver(_ artifact: Artifact, directlyTo id: SubscriptionID, topic: Topic) async throws -> DeliveryReport {
        let route = route(for: topic)
        route.counters.published.add(1, ordering: .relaxed)
        if observers.isActive { observers.emit(.published(artifact, topic: topic)) }
        var report = DeliveryReport()
        guard let subscription = subscription(id) else {
            deadLetter([artifact], reason: .unknownSubscriber, topic: topic, counters: route.counters, report: &report,
                detail: "no subscription \(id) on this hub")
            return report
        }
        var acceptedFlag = [false]
        let accepted = filterAccepted([artifact], by: subscription, route: route, report: &report, marking: &acceptedFlag)
        guard !accepted.isEmpty else {
            deadLetter(
                [artifact], reason: .rejectedType, topic: topic, subscriber: subscription, counters: route.counters,
                report: &report, detail: "subscription '\(subscription.name)' accepts \(subscription.accepts), not \(artifact.type)")
            return report
        }
        try await write(accepted, into: subscription, topic: topic, route: route, report: &report)
        return report
    }

    private func deliverBroadcast(
        _ artifacts: [Artifact], route: Route, audience: RemoteAudience, report: inout DeliveryReport
    ) async throws {
        var heardBySomeone = Set<ArtifactID>()
        for subscription in route.subscriptions {
            let accepted = artifacts.filter { subscription.accepts.accepts($0.type) }
            for artifact in accepted { heardBySomeone.insert(artifact.id) }
            try await write(accepted, into: subscription, topic: .broadcast, route: route, report: &report)
        }
        let unheard = artifacts.filter { !heardBySomeone.contains($0.id) && !audience.mayAccept($0.type) }
        if !unheard.isEmpty {
            deadLetter(unheard, reason: route.subscriptions.isEmpty && audience.isEmpty ? .noSubscriber : .rejectedType, topic: .broadcast,
                counters: route.counters, report: &report, detail: "no subscription accepts this broadcast")
        }
    }

    /// The artifacts `subscription` accepts; the others are counted as rejected by it.
    /// `marking` records, per artifact, whether some subscription accepted it.
    private func filterAccepted(
        _ artifacts: [Artifact], by subscription: Subscription, route: Route, report: inout DeliveryReport,
        marking acceptedBySomeone: inout [Bool]
    ) -> [Artifact] {
        if subscription.accepts == .any {
            for index in acceptedBySomeone.indices { acceptedBySomeone[index] = true }
            return artifacts
        }
        var accepted: [Artifact] = []
        var refused = 0
        for (index, artifact) in artifacts.enumerated() {
            if subscription.accepts.accepts(artifact.type) {
                accepted.append(artifact)
                acceptedBySomeone[index] = true
            } else {
                refused += 1
                if observers.isActive { observers.emit(.rejected(artifact, topic: route.topic, subscription: subscription.name)) }
            }
        }
        if refused > 0 {
            subscription.rejectedCount.add(refused, ordering: .relaxed)
            route.counters.rejected.add(refused, ordering: .relaxed)
            report.rejected += refused
        }
        return accepted
    }

    private func write(
        _ artifacts: [Artifact], into subscription: Subscription, topic: Topic, route: Route,
        report: inout DeliveryReport
    ) async throws {
        guard !artifacts.isEmpty else { return }
        // Counted in flight before the write, so a reader settling at once never sees zero early.
        tracker.add(artifacts.count)
        do throws(BufferBatchError<Artifact>) {
            let outcome = try await subscription.buffer.write(contentsOf: artifacts)
            let lost = outcome.droppedOldest.count + outcome.droppedNewest.count + outcome.refused.count
            if observers.isActive {
                let notQueued = Set((outcome.droppedNewest + outcome.refused).map(\.id))
                for artifact in artifacts where !notQueued.contains(artifact.id) {
                    observers.emit(.delivered(artifact, topic: topic, subscription: subscription.name))
                }
                noteDropped(outcome.droppedOldest, topic: topic, subscription: subscription, reason: .droppedOldest)
                noteDropped(outcome.droppedNewest, topic: topic, subscription: subscription, reason: .droppedNewest)
                noteDropped(outcome.refused, topic: topic, subscription: subscription, reason: .refusedFull)
            }
            route.counters.delivered.add(artifacts.count - outcome.droppedNewest.count - outcome.refused.count, ordering: .relaxed)
            report.delivered += artifacts.count - outcome.droppedNewest.count - outcome.refused.count
            guard lost > 0 else { return }
            tracker.settle(lost)
            subscription.droppedCount.add(lost, ordering: .relaxed)
            route.counters.dropped.add(lost, ordering: .relaxed)
            report.dropped += lost
            let policy = "subscription '\(subscription.name)' is full (capacity \(subscription.buffer.capacity), policy \(subscription.buffer.policy))"
            deadLetter(outcome.droppedOldest, reason: .droppedOldest, topic: topic, subscriber: subscription,
                counters: route.counters, report: &report, detail: policy)
            deadLetter(outcome.droppedNewest, reason: .droppedNewest, topic: topic, subscriber: subscription,
                counters: route.counters, report: &report, detail: policy)
            deadLetter(outcome.refused, reason: .refusedFull, topic: topic, subscriber: subscription,
                counters: route.counters, report: &report, detail: policy)
        } catch {
            let unwritten = error.unwritten
            let written = artifacts.count - unwritten.count
            route.counters.delivered.add(written, ordering: .relaxed)
            report.delivered += written
            tracker.settle(unwritten.count)
            let cancelled = error.reason is CancellationError
            if observers.isActive {
                for artifact in artifacts.prefix(written) {
                    observers.emit(.delivered(artifact, topic: topic, subscription: subscription.name))
                }
                noteDropped(unwritten, topic: topic, subscription: subscription, reason: cancelled ? .publishCancelled : .subscriptionClosed)
            }
            if !cancelled { subscription.droppedCount.add(unwritten.count, ordering: .relaxed) }
            route.counters.dropped.add(unwritten.count, ordering: .relaxed)
            report.dropped += unwritten.count
            deadLetter(
                unwritten, reason: cancelled ? .publishCancelled : .subscriptionClosed, topic: topic,
                subscriber: subscription, counters: route.counters, report: &report,
                detail: cancelled ? "the publisher was cancelled while waiting for room" : "\(error.reason)")
            // A publisher cancelled while it waited for room stops; a closed subscriber
            // is that subscriber's business and must not stop delivery to the others.
            if error.reason is CancellationError { throw error.reason }
        }
    }

    /// `write(_:into:…)` for one artifact, with the same accounting: `Buffer.write(_:)`
    /// reports drops in its outcome and failures (`full` under `fail`, closed, cancelled,
    /// cancellation while waiting) by throwing, where the batch write collects them.
    private func write(
        _ artifact: Artifact, into subscription: Subscription, topic: Topic, route: Route,
        report: inout DeliveryReport
    ) async throws {
        tracker.add(1)
        let lost: (artifact: Artifact, reason: DeadLetterReason, detail: String)
        do {
            // Most writes find room: take that path without an async call.
            let immediate = try subscription.buffer.writeWithoutWaiting(artifact)
            let outcome: WriteOutcome<Artifact>
            if let immediate { outcome = immediate } else { outcome = try await subscription.buffer.write(artifact) }
            switch outcome {
            case .enqueued:
                route.counters.delivered.add(1, ordering: .relaxed)
                report.delivered += 1
                if observers.isActive { observers.emit(.delivered(artifact, topic: topic, subscription: subscription.name)) }
                return
            case .droppedOldest(let oldest):
                route.counters.delivered.add(1, ordering: .relaxed)
                report.delivered += 1
                if observers.isActive { observers.emit(.delivered(artifact, topic: topic, subscription: subscription.name)) }
                lost = (oldest, .droppedOldest, fullDetail(subscription))
            case .droppedNewest(let newest):
                lost = (newest, .droppedNewest, fullDetail(subscription))
            }
        } catch BufferError.full {
            lost = (artifact, .refusedFull, fullDetail(subscription))
        } catch {
            tracker.settle(1)
            let cancelled = error is CancellationError
            if observers.isActive {
                observers.emit(.dropped(
                    artifact, topic: topic, subscription: subscription.name, reason: cancelled ? .publishCancelled : .subscriptionClosed))
            }
            if !cancelled { subscription.droppedCount.add(1, ordering: .relaxed) }
            route.counters.dropped.add(1, ordering: .relaxed)
            report.dropped += 1
            deadLetter(
                [artifact], reason: cancelled ? .publishCancelled : .subscriptionClosed, topic: topic,
                subscriber: subscription, counters: route.counters, report: &report,
                detail: cancelled ? "the publisher was cancelled while waiting for room" : "\(error)")
            if cancelled { throw error }
            return
        }
        tracker.settle(1)
        if observers.isActive { observers.emit(.dropped(lost.artifact, topic: topic, subscription: subscription.name, reason: lost.reason)) }
        subscription.droppedCount.add(1, ordering: .relaxed)
        route.counters.dropped.add(1, ordering: .relaxed)
        report.dropped += 1
        deadLetter([lost.artifact], reason: lost.reason, topic: topic, subscriber: subscription,
            counters: route.counters, report: &report, detail: lost.detail)
    }

    /// Reports drops to the observers; call only when `observers.isActive`.
    private func noteDropped(_ artifacts: [Artifact], topic: Topic, subscription: Subscription, reason: DeadLetterReason) {
        for artifact in artifacts {
            observers.emit(.dropped(artifact, topic: topic, subscription: subscription.name, reason: reason))
        }
    }

    private func fullDetail(_ subscription: Subscription) -> String {
        "subscription '\(subscription.name)' is full (capacity \(subscription.buffer.capacity), policy \(subscription.buffer.policy))"
    }

    // MARK: Dead letters

    /// Sends artifacts to `$dead-letter` with the reason in their metadata. Never waits:
    /// a dead-letter reader that is full or absent only loses the copy, which is counted.
    func deadLetter(
        _ artifacts: [Artifact], reason: DeadLetterReason, topic: Topic, subscriber: Subscription? = nil,
        counters: TopicCounters, report: inout DeliveryReport, detail: String
    ) {
        deadLetter(artifacts, reason: reason, topic: topic, subscriberName: subscriber?.name, counters: counters,
            report: &report, detail: detail)
    }

    func deadLetter(
        _ artifacts: [Artifact], reason: DeadLetterReason, topic: Topic, subscriberName: String?,
        counters: TopicCounters, report: inout DeliveryReport, detail: String
    ) {
        guard !artifacts.isEmpty else { return }
        counters.deadLettered.add(artifacts.count, ordering: .relaxed)
        report.deadLettered += artifacts.count
        deadLetter(artifacts, reason: reason, topic: topic, subscriberName: subscriberName, detail: detail)
    }

    /// Sends artifacts to `$dead-letter` on behalf of a component outside the router (a Streamer).
    func deadLetter(_ artifacts: [Artifact], reason: DeadLetterReason, topic: Topic, subscriberName: String?, detail: String) {
        guard !artifacts.isEmpty else { return }
        deadLettered.add(artifacts.count, ordering: .relaxed)
        let letters = artifacts.map { artifact -> Artifact in
            var letter = artifact
            letter.metadata[MetadataKey.deadLetterReason] = reason.rawValue
            letter.metadata[MetadataKey.deadLetterTopic] = topic.name
            letter.metadata[MetadataKey.deadLetterDetail] = detail
            if let subscriberName { letter.metadata[MetadataKey.deadLetterSubscriber] = subscriberName }
            if observers.isActive { observers.emit(.deadLettered(letter, reason: reason, topic: topic, by: subscriberName, detail: detail)) }
            return letter
        }
        let route = route(for: .deadLetter)
        route.counters.published.add(letters.count, ordering: .relaxed)
        table.withLock { table in
            for letter in letters {
                if table.recentDeadLetters.count == Self.recentDeadLetterLimit { table.recentDeadLetters.removeFirst() }
                table.recentDeadLetters.append(letter)
            }
        }
        var unread = route.subscriptions.isEmpty ? letters.count : 0
        for subscription in route.subscriptions {
            for letter in letters where subscription.accepts.accepts(letter.type) {
                tracker.add(1)
                switch subscription.buffer.offer(letter) {
                case .enqueued?:
                    route.counters.delivered.add(1, ordering: .relaxed)
                case .droppedOldest?:
                    route.counters.delivered.add(1, ordering: .relaxed)
                    route.counters.dropped.add(1, ordering: .relaxed)
                    subscription.droppedCount.add(1, ordering: .relaxed)
                    tracker.settle(1)
                    unread += 1
                default:
                    route.counters.dropped.add(1, ordering: .relaxed)
                    subscription.droppedCount.add(1, ordering: .relaxed)
                    tracker.settle(1)
                    unread += 1
                }
            }
        }
        if unread > 0 { deadLettersUnread.add(unread, ordering: .relaxed) }
    }

    var recentDeadLetters: [Artifact] {
        table.withLock { Array($0.recentDeadLetters) }
    }

    // MARK: Statistics

    func statistics() -> HubStatistics {
        let (counters, subscriptions) = table.withLock { table in
            (table.counters, table.subscriptions.values.sorted { $0.id < $1.id })
        }
        return HubStatistics(
            topics: counters.mapValues(\.snapshot),
            subscriptions: subscriptions.map(\.statistics),
            deadLettered: deadLettered.load(ordering: .relaxed),
            deadLettersUnread: deadLettersUnread.load(ordering: .relaxed),
            inFlight: tracker.current)
    }
}
