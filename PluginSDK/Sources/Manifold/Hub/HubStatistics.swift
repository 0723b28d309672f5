import Synchronization

/// Counters of one topic: what was published to it and what became of it.
public struct TopicStatistics: Sendable, Hashable {
    /// Artifacts published to the topic.
    public var published = 0
    /// Deliveries into subscriptions (one artifact to three subscribers counts three).
    public var delivered = 0
    /// Deliveries lost to a backpressure policy or a closed subscription.
    public var dropped = 0
    /// Deliveries refused because the subscriber does not accept the artifact's type.
    public var rejected = 0
    /// Artifacts sent to the dead-letter topic on this topic's account.
    public var deadLettered = 0
}

/// Counters of one subscription.
public struct SubscriptionStatistics: Sendable, Hashable {
    /// The subscription's id.
    public var id: SubscriptionID
    /// Its name (usually the node that owns it).
    public var name: String
    /// Its patterns, as written.
    public var patterns: [String]
    /// Artifacts queued for it.
    public var delivered: Int
    /// Artifacts lost to its backpressure policy or to its cancellation.
    public var dropped: Int
    /// Artifacts refused because of their type.
    public var rejected: Int
    /// Artifacts queued and not yet read.
    public var pending: Int
    /// The most artifacts ever queued at once.
    public var highWaterMark: Int
}

/// A snapshot of a hub's counters.
public struct HubStatistics: Sendable, Hashable {
    /// Per-topic counters, by topic name.
    public var topics: [String: TopicStatistics]
    /// Per-subscription counters of the live subscriptions, by id.
    public var subscriptions: [SubscriptionStatistics]
    /// Artifacts sent to `$dead-letter` in all.
    public var deadLettered: Int
    /// Dead letters that found no room (or no reader) on `$dead-letter` and were only counted.
    public var deadLettersUnread: Int
    /// Deliveries not yet settled by their readers.
    public var inFlight: Int
}

/// Lock-free counters of one topic, shared by every publish to it.
final class TopicCounters: Sendable {
    let published = Atomic<Int>(0)
    let delivered = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    let rejected = Atomic<Int>(0)
    let deadLettered = Atomic<Int>(0)

    var snapshot: TopicStatistics {
        TopicStatistics(
            published: published.load(ordering: .relaxed),
            delivered: delivered.load(ordering: .relaxed),
            dropped: dropped.load(ordering: .relaxed),
            rejected: rejected.load(ordering: .relaxed),
            deadLettered: deadLettered.load(ordering: .relaxed))
    }
}
