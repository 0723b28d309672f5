/// One thing that happened in a run, as a `RunObserver` sees it.
///
/// Hub events follow each artifact through routing; node events follow each Streamer through
/// its inputs. Artifacts are the hub's own values (payloads shared, not copied), so an event
/// costs nothing beyond its enum case when it is made — and it is made only when someone
/// observes.
public enum RunEvent: Sendable {
    // MARK: Hub

    /// An artifact was published to a topic (counted once, however many subscriptions hear it).
    case published(Artifact, topic: Topic)
    /// An artifact was queued into a subscription.
    case delivered(Artifact, topic: Topic, subscription: String)
    /// A subscription that hears the topic does not accept the artifact's type.
    case rejected(Artifact, topic: Topic, subscription: String)
    /// A subscription lost the artifact (its backpressure policy, closing, or cancellation);
    /// `topic` is `nil` for what a cancelled subscription had queued (its topic is not kept).
    case dropped(Artifact, topic: Topic?, subscription: String, reason: DeadLetterReason)
    /// The artifact went to `$dead-letter`; `by` is the subscription or node concerned, if any.
    case deadLettered(Artifact, reason: DeadLetterReason, topic: Topic, by: String?, detail: String)
    /// A subscription's reader finished with `count` artifacts.
    case settled(subscription: String, count: Int)

    // MARK: Nodes

    /// A Streamer started reading its inputs.
    case nodeStarted(node: String)
    /// A node began processing an input.
    case inputBegan(node: String, input: Artifact)
    /// A node published an output for an input.
    case output(node: String, output: Artifact, topic: Topic, input: ArtifactID)
    /// A node finished an input (successfully or not) after `duration`.
    case inputDone(node: String, input: Artifact, duration: Duration, succeeded: Bool)
    /// A node failed on an input.
    case nodeFailed(ProcessingFailure)
    /// A Streamer stopped; its final counters.
    case nodeStopped(node: String, report: StreamerReport)

    /// A short name for the event's kind (`"published"`, `"input-done"`, …), as logs print it.
    public var kind: String {
        switch self {
        case .published: "published"
        case .delivered: "delivered"
        case .rejected: "rejected"
        case .dropped: "dropped"
        case .deadLettered: "dead-lettered"
        case .settled: "settled"
        case .nodeStarted: "node-started"
        case .inputBegan: "input-began"
        case .output: "output"
        case .inputDone: "input-done"
        case .nodeFailed: "node-failed"
        case .nodeStopped: "node-stopped"
        }
    }
}
