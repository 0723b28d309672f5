/// A hub, as its transport sees it: the way into its local subscriptions.
///
/// Given to `HubTransport.attach(_:)`. A transport delivers what it receives from elsewhere
/// with `deliverInbound(_:to:)`, publishes locally what this hub's publishers sent with
/// `deliverPublished(_:to:audience:)`, and reads the local in-flight count to decide when the
/// graph is idle.
public struct TransportEndpoint: Sendable {
    let router: LocalRouter

    /// Delivers artifacts published on this hub to its local subscriptions.
    ///
    /// - Parameter audience: who else hears the topic; what they may accept is not
    ///   dead-lettered here (they receive it, and any loss is counted where it happens).
    public func deliverPublished(_ artifacts: [Artifact], to topic: Topic, audience: RemoteAudience) async throws -> DeliveryReport {
        try await router.deliver(artifacts, to: topic, audience: audience)
    }

    /// Delivers artifacts that arrived from elsewhere to the local subscriptions that hear
    /// `topic`. The sender forwards only what someone here accepts; what nobody here takes
    /// any more (a subscription closed while the artifact travelled) is dead-lettered here.
    public func deliverInbound(_ artifacts: [Artifact], to topic: Topic) async throws -> DeliveryReport {
        try await router.deliver(artifacts, to: topic, audience: .nobody)
    }

    /// Delivers an artifact a broker keeps until it is acknowledged to the one local
    /// subscription `id` its consumer serves, waiting for room; `onSettled` runs once the
    /// subscription's reader has finished with it (a node, after publishing what it emitted),
    /// or at once when the subscription refuses its type (counted and dead-lettered here);
    /// `onGivenBack` runs instead when the node stops before processing it (give it to
    /// another instance: a broker's negative acknowledgement).
    ///
    /// - Returns: `false` when the subscription is gone or closed: give the artifact to
    ///   someone else.
    /// - Throws: `CancellationError` when cancelled while waiting for room.
    public func deliverAcknowledged(
        _ artifact: Artifact, to id: SubscriptionID, topic: Topic, onSettled: @escaping @Sendable () -> Void,
        onGivenBack: @escaping @Sendable () -> Void
    ) async throws -> Bool {
        try await router.deliverAcknowledged(artifact, to: id, topic: topic, onSettled: onSettled, onGivenBack: onGivenBack)
    }

    /// Delivers a batch a broker handed over at once, as `deliverAcknowledged(_:to:topic:…)`
    /// does each of them, queued together so the subscription's reader sees them together (a
    /// node holds and publishes their outputs as one batch).
    ///
    /// - Returns: the deliveries nothing here took (the subscription is gone, closed or
    ///   cancelled, or full under policy `fail`), in order: give them to someone else.
    public func deliverAcknowledged(contentsOf deliveries: [AcknowledgedDelivery], to id: SubscriptionID, topic: Topic) async
        -> [AcknowledgedDelivery]
    {
        await router.deliverAcknowledged(contentsOf: deliveries, to: id, topic: topic)
    }

    /// Counts artifacts published on `topic` that the transport handed to a broker instead
    /// of this hub's own subscriptions (the receiving hubs count their deliveries), and shows
    /// each to the hub's observers as published, as a publish in process would.
    public func countPublished(_ artifacts: [Artifact], on topic: Topic) {
        router.countPublished(artifacts, on: topic)
    }

    /// Artifacts delivered to the subscription `id` with `deliverAcknowledged` and not settled yet.
    public func unsettledAcknowledged(by id: SubscriptionID) -> Int {
        router.subscription(id)?.settlementActions.outstanding ?? 0
    }

    /// The interest of every live local subscription (to announce to a peer that joins late).
    public var localInterest: [TopicInterest] {
        router.subscriptions.map(\.interest)
    }

    /// Artifacts delivered to local subscriptions and not yet settled by their readers.
    public var localInFlight: Int { router.tracker.current }

    /// Returns once no artifact is in flight locally (at once if none is).
    public func waitUntilLocallyIdle() async {
        await router.tracker.waitUntilIdle()
    }

    /// Sends artifacts the transport could not deliver to this hub's `$dead-letter`.
    public func deadLetter(_ artifacts: [Artifact], reason: DeadLetterReason, topic: Topic, detail: String) {
        router.deadLetter(artifacts, reason: reason, topic: topic, subscriberName: nil, detail: detail)
    }
}
