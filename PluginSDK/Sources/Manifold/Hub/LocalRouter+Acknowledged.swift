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
        guard let subscription = subscription(id) else { return false }
        let route = route(for: topic)
        guard subscription.accepts == .any || subscription.accepts.accepts(artifact.type) else {
            subscription.rejectedCount.add(1, ordering: .relaxed)
            route.counters.rejected.add(1, ordering: .relaxed)
            if observers.isActive { observers.emit(.rejected(artifact, topic: topic, subscription: subscription.name)) }
            var report = DeliveryReport()
            deadLetter(
                [artifact], reason: .rejectedType, topic: topic, subscriber: subscription, counters: route.counters,
                report: &report, detail: "subscription '\(subscription.name)' accepts \(subscription.accepts), not \(artifact.type)")
            onSettled()
            return true
        }
        subscription.settlementActions.add(artifact.id, actions: .init(settled: onSettled, givenBack: onGivenBack))
        tracker.add(1)
        let outcome: WriteOutcome<Artifact>
        do {
            outcome = try await subscription.buffer.write(artifact)
        } catch {
            subscription.settlementActions.discard(artifact.id)
            tracker.settle(1)
            if error is CancellationError { throw error }
            return false
        }
        route.counters.delivered.add(1, ordering: .relaxed)
        if observers.isActive { observers.emit(.delivered(artifact, topic: topic, subscription: subscription.name)) }
        if let lost = outcome.droppedElement {
            // A transport sizes what it fetches to the room left, so this is rare: the loss
            // is the policy's, counted and dead-lettered like any other, and settled.
            let reason: DeadLetterReason = if case .droppedOldest = outcome { .droppedOldest } else { .droppedNewest }
            if observers.isActive { observers.emit(.dropped(lost, topic: topic, subscription: subscription.name, reason: reason)) }
            subscription.droppedCount.add(1, ordering: .relaxed)
            route.counters.dropped.add(1, ordering: .relaxed)
            var report = DeliveryReport()
            deadLetter(
                [lost], reason: reason, topic: topic, subscriber: subscription, counters: route.counters, report: &report,
                detail: "subscription '\(subscription.name)' is full (capacity \(subscription.buffer.capacity), policy \(subscription.buffer.policy))")
            subscription.settlementActions.run(for: CollectionOfOne(lost))
            tracker.settle(1)
        }
        return true
    }

    /// Counts artifacts published on `topic` that this hub handed to a broker rather than to
    /// its own subscriptions.
    func countPublished(_ artifacts: [Artifact], on topic: Topic) {
        route(for: topic).counters.published.add(artifacts.count, ordering: .relaxed)
        if observers.isActive { for artifact in artifacts { observers.emit(.published(artifact, topic: topic)) } }
    }
}
