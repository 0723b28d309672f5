import DequeModule
import Synchronization

/// The id of a subscription on a hub, used for direct addressing (`Hub.send(_:to:)`).
public struct SubscriptionID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id's number, unique per hub.
    public let rawValue: UInt64

    /// An id with the given number (a transport names a peer's subscriptions this way).
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public var description: String { "#\(rawValue)" }

    public static func < (lhs: SubscriptionID, rhs: SubscriptionID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One subscriber's view of a hub: the artifacts published to topics matching its patterns
/// (and to `$broadcast`), filtered by the types it accepts, queued in its own `Buffer`.
///
/// Iterate it to read. Each artifact counts as *in flight* on the hub until the iterator hands
/// it to the reader (or, with `makeAsyncIterator(settlingAutomatically: false)`, until the
/// reader calls `settle()` once it has finished with it, which is what a Streamer does), so
/// a hub knows when a graph has gone quiet.
public final class Subscription: Sendable, AsyncSequence {
    public typealias Element = Artifact
    public typealias Failure = any Error

    /// The subscription's id on its hub.
    public let id: SubscriptionID
    /// Its name, usually the node that owns it; used in statistics and dead letters.
    public let name: String
    /// The topic patterns it listens to.
    public let patterns: [TopicPattern]
    /// The artifact types it accepts; others are refused, counted and dead-lettered.
    public let accepts: ArtifactTypeSet
    /// The queue between the hub and the reader.
    public let buffer: Buffer<Artifact>

    let tracker: InFlightTracker
    let observers: RunObservers
    let rejectedCount = Atomic<Int>(0)
    let droppedCount = Atomic<Int>(0)
    /// What to do when an artifact a transport delivered is settled (acknowledge it to a
    /// broker, say); empty unless a transport delivers with `TransportEndpoint.deliverInbound(_:to:topic:onSettled:)`.
    let settlementActions = SettlementActions()
    private let detach: @Sendable (Subscription) -> Void
    private let reportDropped: @Sendable (Subscription, [Artifact]) -> Void

    init(
        id: SubscriptionID, name: String, patterns: [TopicPattern], accepts: ArtifactTypeSet,
        buffer: Buffer<Artifact>, tracker: InFlightTracker, observers: RunObservers,
        detach: @escaping @Sendable (Subscription) -> Void,
        reportDropped: @escaping @Sendable (Subscription, [Artifact]) -> Void
    ) {
        self.id = id
        self.name = name
        self.patterns = patterns
        self.accepts = accepts
        self.buffer = buffer
        self.tracker = tracker
        self.observers = observers
        self.detach = detach
        self.reportDropped = reportDropped
    }

    /// What a transport is told about this subscription.
    public var interest: TopicInterest {
        TopicInterest(subscription: id, name: name, patterns: patterns, accepts: accepts)
    }

    /// Whether the subscription hears artifacts published to `topic`.
    public func listens(to topic: Topic) -> Bool {
        topic == .broadcast || patterns.contains { $0.matches(topic) }
    }

    /// Stops receiving; the reader still gets every artifact already queued, then the end.
    public func close() {
        detach(self)
        buffer.close()
    }

    /// Stops at once: queued artifacts are dropped, counted and sent to `$dead-letter` — except
    /// those a broker delivered, which go back to it for another instance of the node.
    public func cancel() {
        detach(self)
        let queued = buffer.cancel()
        let dropped = settlementActions.giveBack(queued)
        tracker.settle(queued.count - dropped.count)
        if !dropped.isEmpty {
            if observers.isActive {
                for artifact in dropped {
                    observers.emit(.dropped(artifact, topic: nil, subscription: name, reason: .subscriptionCancelled))
                }
            }
            droppedCount.add(dropped.count, ordering: .relaxed)
            tracker.settle(dropped.count)
            reportDropped(self, dropped)
        }
    }

    /// Marks `count` artifacts read with a manual-settling iterator as fully handled, the
    /// oldest first. A reader that knows which artifacts it finished says so with
    /// `settle(_:)` taking them: over a broker that must be told which message was handled,
    /// finishing out of order (a node with concurrency above 1) settles the right ones.
    public func settle(_ count: Int = 1) {
        settlementActions.runOldest(count)
        tracker.settle(count)
        if observers.isActive { observers.emit(.settled(subscription: name, count: count)) }
    }

    /// Hands artifacts read with a manual-settling iterator and never processed back to the
    /// broker that delivered them, for another instance of the node; they count as settled
    /// here. Returns those no broker delivered: the caller reports them (dead-letters them).
    public func giveBack(_ artifacts: [Artifact]) -> [Artifact] {
        guard !artifacts.isEmpty else { return [] }
        let kept = settlementActions.giveBack(artifacts)
        tracker.settle(artifacts.count - kept.count)
        return kept
    }

    /// Marks these artifacts, read with a manual-settling iterator, as fully handled.
    public func settle(_ artifacts: some Collection<Artifact>) {
        guard !artifacts.isEmpty else { return }
        settlementActions.run(for: artifacts)
        tracker.settle(artifacts.count)
        if observers.isActive { observers.emit(.settled(subscription: name, count: artifacts.count)) }
    }

    /// Marks one artifact, read with a manual-settling iterator, as fully handled.
    public func settle(_ artifact: Artifact) {
        settle(CollectionOfOne(artifact))
    }

    /// The subscription's counters now.
    public var statistics: SubscriptionStatistics {
        let buffered = buffer.statistics
        return SubscriptionStatistics(
            id: id, name: name, patterns: patterns.map(\.text),
            delivered: buffered.enqueued, dropped: droppedCount.load(ordering: .relaxed),
            rejected: rejectedCount.load(ordering: .relaxed), pending: buffered.pending,
            highWaterMark: buffered.highWaterMark)
    }

    /// Reads the subscription in order; ends when it is closed and drained, or cancelled.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: Subscription
        let settlesAutomatically: Bool
        var batch = Deque<Artifact>()

        public mutating func next() async throws -> Artifact? {
            if batch.isEmpty {
                // Swaps storage with the buffer: no allocation per batch (see `nextBatch(swappingInto:)`).
                guard try await subscription.buffer.nextBatch(swappingInto: &batch, limit: subscription.buffer.capacity) else {
                    return nil
                }
            }
            let artifact = batch.popFirst()
            if settlesAutomatically, let artifact { subscription.settle(artifact) }
            return artifact
        }

        /// How many artifacts this iterator took from the buffer and has not returned yet: the
        /// next `next()` hands one over without waiting while it is above zero. A reader that
        /// gathers work (a buffered printer, say) finishes a batch when it reaches zero.
        public var readAheadCount: Int { batch.count }

        /// Hands back what this iterator read ahead from the buffer and has not returned yet.
        /// Those artifacts are still in flight: the caller settles or dead-letters them.
        public mutating func takeReadAhead() -> [Artifact] {
            defer { batch.removeAll() }
            return Array(batch)
        }
    }

    /// An iterator that settles each artifact as it hands it out.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(subscription: self, settlesAutomatically: true)
    }

    /// An iterator; with `settlingAutomatically: false` the reader calls `settle()` itself
    /// once it has finished with each artifact (for readers that handle several at once).
    public func makeAsyncIterator(settlingAutomatically: Bool) -> AsyncIterator {
        AsyncIterator(subscription: self, settlesAutomatically: settlingAutomatically)
    }
}
