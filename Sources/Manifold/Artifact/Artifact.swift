import Foundation

/// The envelope every piece of data travels in: an id, a type, string metadata and payload bytes.
///
/// `Artifact` is a value type. Copying one (for example when a hub fans it out to many
/// subscribers) copies references, never the payload bytes: `Data` is copy-on-write.
public struct Artifact: Sendable, Hashable {
    /// Unique id of this artifact.
    public var id: ArtifactID
    /// What the payload holds, e.g. `text/plain` or `chat/message`.
    public var type: ArtifactType
    /// Free-form string metadata. Keys starting with `manifold.` are reserved for the runtime.
    public var metadata: [String: String]
    /// The payload bytes.
    public var payload: Data
    /// When the artifact was made (wall clock, so it survives serialisation).
    public var createdAt: Date
    /// The node that produced it; `nil` for artifacts fed from outside a graph.
    public var origin: String?
    /// Follows one request through a graph: outputs inherit the correlation id of their input.
    public var correlationID: String?

    /// Makes an artifact from raw bytes.
    public init(
        id: ArtifactID = ArtifactID(),
        type: ArtifactType,
        payload: Data = Data(),
        metadata: [String: String] = [:],
        createdAt: Date = Date(),
        origin: String? = nil,
        correlationID: String? = nil
    ) {
        self.id = id
        self.type = type
        self.metadata = metadata
        self.payload = payload
        self.createdAt = createdAt
        self.origin = origin
        self.correlationID = correlationID
    }
}

/// The id of an artifact: a string, unique per artifact (a random UUID unless given).
public struct ArtifactID: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The id's text.
    public let rawValue: String

    /// A new random id.
    public init() {
        rawValue = UUID().uuidString.lowercased()
    }

    /// An id with the given text.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        rawValue = value
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// Metadata keys the runtime itself writes.
public enum MetadataKey {
    /// On a dead letter: why it could not be delivered (`no-subscriber`, `rejected-type`, …).
    public static let deadLetterReason = "manifold.dead-letter.reason"
    /// On a dead letter: the topic it was published to.
    public static let deadLetterTopic = "manifold.dead-letter.topic"
    /// On a dead letter: the subscription that refused or dropped it, when there is one.
    public static let deadLetterSubscriber = "manifold.dead-letter.subscriber"
    /// On a dead letter: a human-readable explanation.
    public static let deadLetterDetail = "manifold.dead-letter.detail"
    /// On an error artifact: the node whose processing failed.
    public static let errorNode = "manifold.error.node"
    /// On an error artifact: the id of the input artifact whose processing failed.
    public static let errorInput = "manifold.error.input"
}
