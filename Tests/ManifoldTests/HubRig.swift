import Manifold
import ManifoldLink
import Testing

/// How the hubs of a test are laid out: the hub suites run once per layout, so every
/// delivery, backpressure, dead-letter and completion rule is checked over each transport.
enum HubLayout: String, CaseIterable, CustomTestStringConvertible, Sendable {
    /// One hub, publishers and subscribers on it, the in-process transport.
    case inProcess = "in-process"
    /// Two hubs linked by `LinkTransport` over a socket pair: the test publishes on one and
    /// subscribes on the other, so every artifact crosses the link as wire frames.
    case linked = "linked"

    var testDescription: String { rawValue }
}

/// The hubs of one test, addressed by role: `publisher` is where the test publishes,
/// `subscriber` where it subscribes. In the in-process layout they are the same hub.
struct HubRig {
    let layout: HubLayout
    let publisher: Hub
    let subscriber: Hub
    private let publisherLink: LinkTransport?

    init(_ layout: HubLayout, capacity: Int = 1024, policy: BackpressurePolicy = .block) throws {
        self.layout = layout
        switch layout {
        case .inProcess:
            publisher = Hub(options: HubOptions(capacity: capacity, policy: policy))
            subscriber = publisher
            publisherLink = nil
        case .linked:
            let (left, right) = try LinkTransport.pair()
            publisher = Hub(options: HubOptions(capacity: capacity, policy: policy, transport: left))
            subscriber = Hub(options: HubOptions(capacity: capacity, policy: policy, transport: right))
            publisherLink = left
        }
    }

    /// Subscribes on the subscriber hub.
    func subscribe(
        _ patterns: String..., name: String, accepts: ArtifactTypeSet = .any,
        capacity: Int? = nil, policy: BackpressurePolicy? = nil
    ) throws -> Subscription {
        subscriber.subscribe(try patterns.map(TopicPattern.init), name: name, accepts: accepts, capacity: capacity, policy: policy)
    }

    /// Waits until the publisher's hub has heard of every subscription made so far (interest
    /// crosses a link asynchronously, as it would through a broker). Once the link is closed
    /// there is nothing to wait for: the publisher's hub is alone.
    func ready() async throws {
        do {
            try await publisherLink?.synchronize()
        } catch LinkError.closed(_) {
            return
        }
    }

    /// Publishes on the publisher hub, once it knows every subscription made so far.
    @discardableResult
    func publish(_ artifact: Artifact, to topic: String) async throws -> DeliveryReport {
        try await ready()
        return try await publisher.publish(artifact, to: parseTopic(topic))
    }

    /// Publishes a batch on the publisher hub.
    @discardableResult
    func publish(contentsOf artifacts: [Artifact], to topic: String) async throws -> DeliveryReport {
        try await ready()
        return try await publisher.publish(contentsOf: artifacts, to: parseTopic(topic))
    }

    /// Broadcasts from the publisher hub.
    @discardableResult
    func broadcast(_ artifact: Artifact) async throws -> DeliveryReport {
        try await ready()
        return try await publisher.broadcast(artifact)
    }

    /// Waits, from the publisher's side, until nothing is in flight on any hub.
    func waitUntilIdle() async {
        await publisher.waitUntilIdle()
    }

    /// Artifacts in flight over all the rig's hubs.
    var inFlight: Int { hubs.map(\.statistics.inFlight).reduce(0, +) }

    /// Artifacts dead-lettered over all the rig's hubs.
    var deadLettered: Int { hubs.map(\.statistics.deadLettered).reduce(0, +) }

    /// Dead letters nobody read, over all the rig's hubs.
    var deadLettersUnread: Int { hubs.map(\.statistics.deadLettersUnread).reduce(0, +) }

    /// The last dead letters of every hub.
    var recentDeadLetters: [Artifact] { hubs.flatMap(\.recentDeadLetters) }

    /// A topic's counters as one hub would show them: published once (where the test
    /// published), the other counts summed over the hubs that saw the artifacts.
    func counts(of topic: String) -> TopicCounts? {
        guard layout == .linked else { return publisher.counts(of: topic) }
        let far = subscriber.counts(of: topic)
        guard var total = publisher.counts(of: topic) else { return far }
        if let far {
            total.delivered += far.delivered
            total.dropped += far.dropped
            total.rejected += far.rejected
            total.deadLettered += far.deadLettered
        }
        return total
    }

    /// Closes every hub's subscriptions.
    func close() {
        for hub in hubs { hub.close() }
    }

    /// Shuts every hub down, the link with it.
    func shutdown() async {
        for hub in hubs { await hub.shutdown() }
    }

    private var hubs: [Hub] { layout == .inProcess ? [publisher] : [publisher, subscriber] }
}
