/// What became of one publish: how many deliveries were made and how many were lost, by cause.
public struct DeliveryReport: Sendable, Hashable {
    /// Artifacts queued into subscriptions (one artifact to three subscribers counts three).
    public var delivered = 0
    /// Deliveries lost to a backpressure policy or a closing subscription.
    public var dropped = 0
    /// Deliveries refused because of the artifact's type.
    public var rejected = 0
    /// Artifacts sent to `$dead-letter` (for any of the reasons above, or no subscriber).
    public var deadLettered = 0

    /// An empty report.
    public init() {}

    /// Adds another report's counts to this one.
    public mutating func add(_ other: DeliveryReport) {
        delivered += other.delivered
        dropped += other.dropped
        rejected += other.rejected
        deadLettered += other.deadLettered
    }
}
