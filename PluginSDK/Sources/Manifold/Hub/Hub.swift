/// Settings of a hub. Every subscription gets the default capacity and policy unless it
/// asks for its own.
public struct HubOptions: Sendable {
    /// Queue capacity of each subscription.
    public var capacity: Int
    /// What a full subscription does with a new artifact.
    public var policy: BackpressurePolicy
    /// How published artifacts travel; in-process unless given. A transport serves one hub.
    public var transport: any HubTransport

    /// Options with the defaults: capacity 1024, policy `block`, a new in-process transport.
    public init(capacity: Int = 1024, policy: BackpressurePolicy = .block, transport: any HubTransport = InProcessTransport()) {
        self.capacity = capacity
        self.policy = policy
        self.transport = transport
    }
}

/// Routes artifacts between topics and subscribers.
///
/// - Publishing to a topic delivers the artifact once to every subscription whose patterns
///   match it (`agents.*.out`, `agents.>`) and that accepts its type; payloads are shared,
///   not copied. `send(_:to:)` addresses one subscription; `broadcast(_:)` reaches all.
/// - Every subscription has its own buffer and policy. Under `block`, a full subscription
///   makes the publisher wait (backpressure) but never causes another subscriber to lose
///   anything; under the drop policies, drops are counted and dead-lettered.
/// - Whatever no one may receive goes to `Topic.deadLetter` with the reason in its metadata.
/// - `connect(_:)` checks, before anything runs, that what producers emit on a topic
///   intersects what its subscribers accept.
public final class Hub: Sendable {
    /// The options the hub was made with.
    public let options: HubOptions
    let router = LocalRouter()
    private let wiring = WiringRegistry()
    /// Whether publishes go straight to the local router: decided once, so the common in-process
    /// publish skips the transport's existential async hop and the one-element array it takes.
    private let isInProcess: Bool

    /// Makes a hub and attaches its transport.
    public init(options: HubOptions = HubOptions()) {
        self.options = options
        self.isInProcess = options.transport is InProcessTransport
        options.transport.attach(TransportEndpoint(router: router))
    }

    // MARK: Subscribing

    /// Subscribes to topics matching any of `patterns`.
    ///
    /// - Parameters:
    ///   - name: who is subscribing (a node id); shown in statistics and dead letters.
    ///   - accepts: the artifact types this subscriber takes; others are refused and dead-lettered.
    ///   - capacity: queue capacity, or the hub's default.
    ///   - policy: backpressure policy, or the hub's default.
    ///   - buffer: a buffer to use as the queue instead of a new one (its capacity and policy win).
    public func subscribe(
        _ patterns: [TopicPattern], name: String, accepts: ArtifactTypeSet = .any,
        capacity: Int? = nil, policy: BackpressurePolicy? = nil, buffer: Buffer<Artifact>? = nil
    ) -> Subscription {
        let router = self.router
        let transport = options.transport
        let subscription = Subscription(
            id: router.makeSubscriptionID(), name: name, patterns: patterns, accepts: accepts,
            buffer: buffer ?? Buffer(capacity: capacity ?? options.capacity, policy: policy ?? options.policy),
            tracker: router.tracker, observers: router.observers,
            detach: { [weak router] subscription in
                guard router?.remove(subscription) == true else { return }
                transport.interestRemoved(subscription.interest)
            },
            reportDropped: { [weak router] subscription, dropped in
                router?.deadLetter(dropped, reason: .subscriptionCancelled, topic: .deadLetter,
                    subscriberName: subscription.name, detail: "subscription '\(subscription.name)' was cancelled")
            })
        router.add(subscription)
        transport.interestAdded(subscription.interest)
        return subscription
    }

    /// Subscribes to topics matching the pattern strings (`"agents.*.out"`).
    ///
    /// - Throws: `TopicError` for a malformed pattern.
    public func subscribe(
        _ patterns: String..., name: String, accepts: ArtifactTypeSet = .any,
        capacity: Int? = nil, policy: BackpressurePolicy? = nil
    ) throws -> Subscription {
        subscribe(try patterns.map(TopicPattern.init), name: name, accepts: accepts, capacity: capacity, policy: policy)
    }

    /// Declares every subscription the graph will have, here and in other processes, to the
    /// transport (`HubTransport.declare(_:)`), before anything is published.
    ///
    /// - Throws: the transport's error.
    public func declare(_ interests: [TopicInterest]) async throws {
        try await options.transport.declare(interests)
    }

    /// Whether any subscription, here or (as far as the transport can tell) elsewhere,
    /// listens to `topic` now.
    public func hasSubscribers(_ topic: Topic) -> Bool {
        !router.route(for: topic).subscriptions.isEmpty || !options.transport.remoteAudience(for: topic).isEmpty
    }

    /// The live subscriptions, in the order they were made.
    public var subscriptions: [Subscription] { router.subscriptions }

    // MARK: Publishing

    /// Publishes one artifact to a topic.
    ///
    /// - Returns: how many subscriptions received it and what was lost, by cause.
    /// - Throws: `CancellationError` when the publishing task is cancelled while it waits for
    ///   room in a full `block` subscription; transport errors from a broker transport.
    @discardableResult
    public func publish(_ artifact: Artifact, to topic: Topic) async throws -> DeliveryReport {
        if isInProcess { return try await router.deliver(artifact, to: topic) }
        return try await options.transport.publish([artifact], to: topic)
    }

    /// Publishes a batch to a topic: one routing decision and one queue lock per subscriber
    /// for the whole batch, which is much cheaper than publishing one at a time.
    @discardableResult
    public func publish(contentsOf artifacts: [Artifact], to topic: Topic) async throws -> DeliveryReport {
        if isInProcess { return try await router.deliver(artifacts, to: topic) }
        return try await options.transport.publish(artifacts, to: topic)
    }

    /// Delivers an artifact to one subscription only (direct addressing). Unknown ids and
    /// refused types are dead-lettered. Direct addressing is local to this process.
    @discardableResult
    public func send(_ artifact: Artifact, to subscription: SubscriptionID) async throws -> DeliveryReport {
        try await router.deliver(artifact, directlyTo: subscription, topic: .direct)
    }

    /// Delivers an artifact to every subscription that accepts its type.
    @discardableResult
    public func broadcast(_ artifact: Artifact) async throws -> DeliveryReport {
        try await publish(artifact, to: .broadcast)
    }

    /// Sends artifacts to `$dead-letter` on behalf of a component that could not deliver them.
    public func deadLetter(_ artifacts: [Artifact], reason: DeadLetterReason, topic: Topic, by component: String?, detail: String) {
        router.deadLetter(artifacts, reason: reason, topic: topic, subscriberName: component, detail: detail)
    }

    // MARK: Wiring

    /// Declares a node's ports and checks them against every node already connected: for
    /// each topic, what its producers emit must intersect what its subscribers accept.
    ///
    /// - Throws: `WiringError` listing every mismatching edge (both nodes, the topic and
    ///   both type sets); the node is not registered then.
    public func connect(_ ports: NodePorts) throws {
        try wiring.connect(ports)
    }

    /// Forgets a node's declared ports.
    public func disconnect(node: String) {
        wiring.disconnect(node: node)
    }

    /// The nodes connected so far.
    public var connectedNodes: [NodePorts] { wiring.nodes }

    // MARK: Lifecycle and statistics

    /// Returns once every delivered artifact has been settled by its reader (at once if none
    /// is in flight): with the inputs closed, the graph has then done all its work. Over a
    /// transport that links hubs, "every" includes the other hubs (`HubTransport.waitUntilIdle()`).
    public func waitUntilIdle() async {
        await options.transport.waitUntilIdle()
    }

    /// Closes every subscription: readers receive what is queued, then their sequences end.
    public func close() {
        for subscription in router.subscriptions { subscription.close() }
    }

    /// Closes every subscription and releases the transport.
    public func shutdown() async {
        close()
        await options.transport.shutdown()
    }

    /// The counters of every topic and subscription now.
    public var statistics: HubStatistics { router.statistics() }

    /// The last dead letters (at most 100), for inspection when nobody subscribes to `$dead-letter`.
    public var recentDeadLetters: [Artifact] { router.recentDeadLetters }
}
