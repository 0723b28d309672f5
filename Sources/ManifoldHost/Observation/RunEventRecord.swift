import Foundation
import Manifold

/// One run event as a JSON line: what `manifold run --events FILE` writes.
///
/// Ids, types, topics, node and subscription names, reasons and timings — never payloads or
/// metadata values, which may hold user data or secrets; `detail` (a dead letter's reason in
/// words) is the hub's own text.
public struct RunEventRecord: Sendable, Hashable, Codable {
    /// When the record was made, as an RFC 3339 time with milliseconds.
    public var time: String
    /// The event's kind (`RunEvent.kind`), or `"missed"` for events a slow writer lost.
    public var event: String
    public var node: String?
    public var topic: String?
    public var subscription: String?
    /// The artifact's id.
    public var artifact: String?
    public var type: String?
    /// The input an output or a failure belongs to.
    public var input: String?
    public var reason: String?
    public var detail: String?
    public var durationMicroseconds: Double?
    public var succeeded: Bool?
    public var count: Int?

    /// The record of one event.
    public init(_ event: RunEvent, at date: Date = Date()) {
        var formatter = EventTimestampFormatter()
        self.init(event, time: formatter.format(EventTimestamp(date)))
    }

    /// The record of one event that happened at `time` (RFC 3339, as
    /// `EventTimestampFormatter` writes it).
    public init(_ event: RunEvent, time: String) {
        self.time = time
        self.event = event.kind
        switch event {
        case .published(let artifact, let topic):
            describe(artifact)
            self.topic = topic.name
        case .delivered(let artifact, let topic, let subscription), .rejected(let artifact, let topic, let subscription):
            describe(artifact)
            self.topic = topic.name
            self.subscription = subscription
        case .dropped(let artifact, let topic, let subscription, let reason):
            describe(artifact)
            self.topic = topic?.name
            self.subscription = subscription
            self.reason = reason.rawValue
        case .deadLettered(let artifact, let reason, let topic, let by, let detail):
            describe(artifact)
            self.topic = topic.name
            self.reason = reason.rawValue
            self.subscription = by
            self.detail = detail
        case .settled(let subscription, let count):
            self.subscription = subscription
            self.count = count
        case .nodeStarted(let node):
            self.node = node
        case .inputBegan(let node, let input):
            self.node = node
            describe(input)
        case .output(let node, let output, let topic, let input):
            self.node = node
            describe(output)
            self.topic = topic.name
            self.input = input.rawValue
        case .inputDone(let node, let input, let duration, let succeeded):
            self.node = node
            describe(input)
            durationMicroseconds = LatencyHistogram.nanoseconds(duration) / 1000
            self.succeeded = succeeded
        case .nodeFailed(let failure):
            node = failure.node
            input = failure.input.rawValue
            type = failure.inputType.description
            detail = failure.message
        case .nodeStopped(let node, let report):
            self.node = node
            count = report.processed
        }
    }

    /// The record saying that `count` events were lost because the writer fell behind.
    public init(missed count: Int, at date: Date = Date()) {
        var formatter = EventTimestampFormatter()
        self.init(missed: count, time: formatter.format(EventTimestamp(date)))
    }

    /// The record saying that `count` events were lost, made at `time`.
    public init(missed count: Int, time: String) {
        self.time = time
        event = "missed"
        self.count = count
    }

    private mutating func describe(_ artifact: Artifact) {
        self.artifact = artifact.id.rawValue
        type = artifact.type.description
    }
}
