/// Delivery of artifacts a broker keeps until they are acknowledged: one subscription, chosen
/// by the transport (the one its broker consumer serves), and an action run once the reader
/// has settled the artifact.
extension LocalRouter {
    /// Delivers `artifact` to the subscription `id`; `onSettled` runs once its reader settles
    /// it, or at once when the subscription does not accept its type (refused, counted and
    /// dead-lettered here: settled as far as the broker is concerned); `onGivenBack` when the
    /// reader stops without processing it (`Subscription.giveBack(_:)`, `cancel()`).
    ///
    /// - Returns: `false` when the subscription is gone or closed: nothing here took the
    ///   artifact, and the broker should give it to someone else.
    /// - Throws: `CancellationError` when cancelled while waiting for room.
    func deliverAcknowledged(
        _ artifact: Artifact, to id: SubscriptionID, topic: Topic, onSettled: @escaping @Sendable () -> Void,
        onGivenBack: @escaping @Sendable () -> Void
    ) async throws -> Bool {
        let notTaken = await deliverAcknowledged(
            contentsOf: [AcknowledgedDelivery(artifact, onSettled: onSettled, onGivenBack: onGivenBack)], to: id, topic: topic)
        if !notTaken.isEmpty, Task.isCancelled { throw CancellationError() }
        return notTaken.isEmpty
    }

    /// Delivers `deliveries` to the subscription `id` in order, queued under one lock of its
    /// buffer (waiting for room as a whole), so the reader sees a batch a broker handed over at
    /// once together. Each delivery's `onSettled` runs once the reader settles its artifact, or
    /// at once when the subscription does not accept its type (refused, counted and
    /// dead-lettered here: settled as far as the broker is concerned) or its policy dropped it;
    /// `onGivenBack` when the reader stops without processing it.
    ///
    /// - Returns: the deliveries nothing here took — the subscription is gone, closed or
    ///   cancelled, or refused them when full (policy `fail`) — in order, for the broker to give
    ///   to someone else. Their actions have not run.
    func deliverAcknowledged(contentsOf deliveries: [AcknowledgedDelivery], to id: SubscriptionID, topic: Topic) async
        -> [AcknowledgedDelivery]
    {
        guard let subscription = subscription(id) else { return deliveries }
        let route = route(for: topic)
        var accepted: [Artifact] = []
        var entries: [(id: ArtifactID, actions: SettlementActions.Actions)] = []
        accepted.reserveCapacity(deliveries.count)
        entries.reserveCapacity(deliveries.count)
        for delivery in deliveries {
            let artifact = delivery.artifact
            guard subscription.accepts == .any || subscription.accepts.accepts(artifact.type) else {
                subscription.rejectedCount.add(1, ordering: .relaxed)
                route.counters.rejected.add(1, ordering: .relaxed)
                if observers.isActive { observers.emit(.rejected(artifact, topic: topic, subscription: subscription.name)) }
                var report = DeliveryReport()
                deadLetter(
                    [artifact], reason: .rejectedType, topic: topic, subscriber: subscription, counters: route.counters,
                    report: &report, detail: "subscription '\(subscription.name)' accepts \(subscription.accepts), not \(artifact.type)")
                delivery.onSettled()
                continue
            }
            accepted.append(artifact)
            entries.append((artifact.id, .init(settled: delivery.onSettled, givenBack: delivery.onGivenBack)))
        }
        guard !accepted.isEmpty else { return [] }
        subscription.settlementActions.add(contentsOf: entries)
        tracker.add(accepted.count)
        var outcome: BatchWriteOutcome<Artifact>
        var unwritten: [Artifact] = []
        do {
            outcome = try await subscription.buffer.write(contentsOf: accepted)
        } catch {
            outcome = error.partial
            unwritten = error.unwritten
        }
        // Refused (full, policy `fail`) or never queued (closed, cancelled): not taken here.
        let notTaken = unwritten + outcome.refused
        for artifact in notTaken { subscription.settlementActions.discard(artifact.id) }
        let lost = outcome.droppedOldest + outcome.droppedNewest
        let queued = accepted.count - notTaken.count
        route.counters.delivered.add(queued, ordering: .relaxed)
        if observers.isActive {
            let missing = Set(notTaken.map(\.id))
            for artifact in accepted where !missing.contains(artifact.id) {
                observers.emit(.delivered(artifact, topic: topic, subscription: subscription.name))
            }
        }
        if !lost.isEmpty {
            // A transport sizes what it fetches to the room left, so this is rare: the loss is
            // the policy's, counted and dead-lettered like any other, and settled.
            for (reason, dropped) in [(DeadLetterReason.droppedOldest, outcome.droppedOldest), (.droppedNewest, outcome.droppedNewest)]
            where !dropped.isEmpty {
                if observers.isActive {
                    for artifact in dropped { observers.emit(.dropped(artifact, topic: topic, subscription: subscription.name, reason: reason)) }
                }
                subscription.droppedCount.add(dropped.count, ordering: .relaxed)
                route.counters.dropped.add(dropped.count, ordering: .relaxed)
                var report = DeliveryReport()
                deadLetter(
                    dropped, reason: reason, topic: topic, subscriber: subscription, counters: route.counters, report: &report,
                    detail: "subscription '\(subscription.name)' is full (capacity \(subscription.buffer.capacity), policy \(subscription.buffer.policy))")
            }
            subscription.settlementActions.run(for: lost)
        }
        tracker.settle(notTaken.count + lost.count)
        guard !notTaken.isEmpty else { return [] }
        let missing = Set(notTaken.map(\.id))
        return deliveries.filter { missing.contains($0.artifact.id) }
    }

    /// Counts artifacts published on `topic` that this hub handed to a broker rather than to
    /// its own subscriptions.
    func countPublished(_ artifacts: [Artifact], on topic: Topic) {
        route(for: topic).counters.published.add(artifacts.count, ordering: .relaxed)
        if observers.isActive { for artifact in artifacts { observers.emit(.published(artifact, topic: topic)) } }
    }
}
