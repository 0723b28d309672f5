/// How artifacts published on a hub reach the subscriptions that hear them, wherever those are.
///
/// A hub owns its local subscriptions; a transport connects it to everything else. The hub
/// attaches itself once (`attach(_:)`), before anything is published: the `TransportEndpoint`
/// it hands over is the transport's way in — inbound delivery into local subscriptions, the
/// local in-flight count, local dead letters. From then on the hub tells the transport about
/// every subscription made and removed (`interestAdded(_:)`, `interestRemoved(_:)`), so a broker
/// transport subscribes to the broker only for topics someone here listens to, and asks it to
/// publish (`publish(_:to:)`) and to decide when the whole graph is idle (`waitUntilIdle()`).
///
/// Two rules keep the hub's guarantees the same over every transport:
/// - **Nothing is lost silently.** An artifact that no subscription anywhere may receive is
///   dead-lettered exactly once, by the hub where it was published. `remoteAudience(for:)` is
///   how that hub learns who elsewhere hears a topic; a transport that cannot tell answers
///   `.unknown`, and the hub then leaves "nobody subscribed" to the far side.
/// - **Idle means idle everywhere.** `waitUntilIdle()` returns only once no artifact is in
///   flight here, on the way, or in flight at any peer that may still send something here.
///
/// `InProcessTransport` is the transport of a hub that is alone in its process.
public protocol HubTransport: Sendable {
    /// Connects the transport to its hub. Called once, by `Hub.init`.
    func attach(_ endpoint: TransportEndpoint)

    /// Sends artifacts published on this hub to `topic`, to local and remote subscribers.
    ///
    /// - Returns: what became of the artifacts, summed over every hub that received them as
    ///   far as the transport can tell.
    /// - Throws: `CancellationError` when the publisher is cancelled while waiting for room;
    ///   the transport's own errors (a closed link, a broker that refused the message).
    func publish(_ artifacts: [Artifact], to topic: Topic) async throws -> DeliveryReport

    /// A local subscription was made: its topic patterns and accepted types are now heard here.
    func interestAdded(_ interest: TopicInterest)

    /// A local subscription was closed or cancelled.
    func interestRemoved(_ interest: TopicInterest)

    /// Who outside this hub hears `topic`, and which types they accept.
    func remoteAudience(for topic: Topic) -> RemoteAudience

    /// Returns once nothing is in flight here or anywhere this hub's work can reach or come from.
    func waitUntilIdle() async

    /// Releases the transport's connections. Called once, by `Hub.shutdown()`.
    func shutdown() async

    /// Declares every subscription the graph will have, in this process and elsewhere, before
    /// anything is published. A transport that keeps messages until a subscriber takes them (a
    /// broker's durable consumers) makes room for each now, so what is published before a
    /// subscriber starts waits for it; and it knows each topic's whole audience.
    ///
    /// - Throws: the transport's error (a broker that refused).
    func declare(_ interests: [TopicInterest]) async throws
}

extension HubTransport {
    /// Nothing to declare: a transport that holds nothing for absent subscribers.
    public func declare(_ interests: [TopicInterest]) async throws {}
}

/// One local subscription's interest, as a transport sees it.
public struct TopicInterest: Sendable, Hashable {
    /// The subscription's id on its hub.
    public let subscription: SubscriptionID
    /// Its name (the node that owns it).
    public let name: String
    /// The topic patterns it listens to.
    public let patterns: [TopicPattern]
    /// The artifact types it accepts.
    public let accepts: ArtifactTypeSet

    /// Describes one subscription's interest.
    public init(subscription: SubscriptionID, name: String, patterns: [TopicPattern], accepts: ArtifactTypeSet) {
        self.subscription = subscription
        self.name = name
        self.patterns = patterns
        self.accepts = accepts
    }

    /// Whether this interest hears `topic` (every subscription hears `$broadcast`).
    public func hears(_ topic: Topic) -> Bool {
        topic == .broadcast || patterns.contains { $0.matches(topic) }
    }
}

/// Who, outside the publishing hub, hears a topic.
public enum RemoteAudience: Sendable, Hashable {
    /// Nobody elsewhere: what no local subscription takes is dead-lettered here.
    case nobody
    /// Subscriptions elsewhere that hear the topic.
    case listeners([TopicInterest])
    /// The transport cannot tell (a broker with no interest registry): the hub assumes someone
    /// may hear the topic and leaves dead-lettering to whoever receives the artifact.
    case unknown

    /// Whether someone elsewhere may take an artifact of `type`.
    public func mayAccept(_ type: ArtifactType) -> Bool {
        switch self {
        case .nobody: false
        case .unknown: true
        case .listeners(let listeners): listeners.contains { $0.accepts.accepts(type) }
        }
    }

    /// Whether anyone elsewhere hears the topic at all.
    public var isEmpty: Bool {
        switch self {
        case .nobody: true
        case .unknown: false
        case .listeners(let listeners): listeners.isEmpty
        }
    }

    /// The remote subscriptions that hear the topic (none for `.unknown`).
    public var knownListeners: [TopicInterest] {
        if case .listeners(let listeners) = self { return listeners }
        return []
    }
}
