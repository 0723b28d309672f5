/// Why an artifact went to the dead-letter topic; written to `MetadataKey.deadLetterReason`.
public enum DeadLetterReason: String, Sendable, Hashable, CaseIterable {
    /// Published to a topic nobody subscribes to.
    case noSubscriber = "no-subscriber"
    /// A subscriber does not accept the artifact's type.
    case rejectedType = "rejected-type"
    /// Dropped from a full subscription whose policy is `drop-oldest`.
    case droppedOldest = "dropped-oldest"
    /// Dropped by a full subscription whose policy is `drop-newest`.
    case droppedNewest = "dropped-newest"
    /// Refused by a full subscription whose policy is `fail`.
    case refusedFull = "refused-full"
    /// The subscription closed or its write failed while the artifact was on its way.
    case subscriptionClosed = "subscription-closed"
    /// The publisher was cancelled while it waited for room in a full subscription.
    case publishCancelled = "publish-cancelled"
    /// Queued in a subscription that was cancelled before it was read.
    case subscriptionCancelled = "subscription-cancelled"
    /// A node emitted a type its output port does not declare.
    case rejectedOutput = "rejected-output"
    /// A node tried to emit something that is no valid artifact (a native plugin's malformed
    /// emit); a stand-in carries the reason.
    case malformedOutput = "malformed-output"
    /// A node emitted an artifact but has no output topic.
    case noOutputTopic = "no-output-topic"
    /// Sent directly to a subscription id that does not exist (any more).
    case unknownSubscriber = "unknown-subscriber"
    /// An input a node did not finish within its time limit (`StreamerOptions.inputTimeout`).
    case inputTimedOut = "input-timed-out"
    /// An input a node was processing when the process running its plugin died, and which
    /// was not (or no longer) retried.
    case nodeCrashed = "node-crashed"
    /// An output a node emitted for an input that had already failed (timed out): it was not
    /// published.
    case lateOutput = "late-output"
    /// A message that came from outside the hub (another program publishing on a NATS subject
    /// of the run) and is no artifact: a stand-in carries its bytes and the reason.
    case malformedMessage = "malformed-message"
    /// An input a broker delivered as many times as the hub allows (`maxDeliver`) without any
    /// instance of its node finishing it (each crashed or hung on it): the broker gave up on it.
    case deliveriesExhausted = "deliveries-exhausted"
    /// An input a node refused because its conversation had already made as many node hops
    /// as the limit allows (`HopLimit`): a graph looping without end.
    case hopLimitReached = "hop-limit"
}
