import Foundation
import Synchronization

/// The envelope every piece of data travels in: an id, a type, string metadata and payload bytes.
///
/// `Artifact` is a value type. Copying one (for example when a hub fans it out to many
/// subscribers, or queues it for a node) copies one reference, never the payload bytes or
/// the fields: they live in one shared, immutable storage object, copied only when a copy
/// that shares it is changed (copy-on-write, like `Array`). Each hop of an artifact through a
/// graph copies it several times; with the fields inline, every copy retained and released
/// each of them.
public struct Artifact: Sendable, Hashable {
    private var storage: ArtifactStorage

    /// Unique id of this artifact.
    public var id: ArtifactID {
        get { storage.id }
        _modify { yield &uniqueStorage().id }
    }
    /// What the payload holds, e.g. `text/plain` or `chat/message`.
    public var type: ArtifactType {
        get { storage.type }
        _modify { yield &uniqueStorage().type }
    }
    /// Free-form string metadata. Keys starting with `manifold.` are reserved for the runtime.
    public var metadata: [String: String] {
        get { storage.metadata }
        _modify { yield &uniqueStorage().metadata }
    }
    /// The payload bytes.
    public var payload: Data {
        get { storage.payload }
        _modify { yield &uniqueStorage().payload }
    }
    /// When the artifact was made (wall clock, so it survives serialisation).
    public var createdAt: Date {
        get { storage.createdAt }
        _modify { yield &uniqueStorage().createdAt }
    }
    /// The node that produced it; `nil` for artifacts fed from outside a graph.
    public var origin: String? {
        get { storage.origin }
        _modify { yield &uniqueStorage().origin }
    }
    /// Follows one request through a graph: outputs inherit the correlation id of their input.
    public var correlationID: String? {
        get { storage.correlationID }
        _modify { yield &uniqueStorage().correlationID }
    }

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
        storage = ArtifactStorage(
            id: id, type: type, metadata: metadata, payload: payload, createdAt: createdAt, origin: origin,
            correlationID: correlationID)
    }

    /// The storage, copied first when another artifact shares it.
    private mutating func uniqueStorage() -> ArtifactStorage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    public static func == (lhs: Artifact, rhs: Artifact) -> Bool {
        if lhs.storage === rhs.storage { return true }
        let left = lhs.storage
        let right = rhs.storage
        return left.id == right.id && left.type == right.type && left.metadata == right.metadata
            && left.payload == right.payload && left.createdAt == right.createdAt && left.origin == right.origin
            && left.correlationID == right.correlationID
    }

    public func hash(into hasher: inout Hasher) {
        let fields = storage
        hasher.combine(fields.id)
        hasher.combine(fields.type)
        hasher.combine(fields.metadata)
        hasher.combine(fields.payload)
        hasher.combine(fields.createdAt)
        hasher.combine(fields.origin)
        hasher.combine(fields.correlationID)
    }
}

/// An artifact's fields, shared by its copies.
///
/// `@unchecked Sendable`: the fields are changed only through `Artifact`'s accessors, and
/// only when the artifact holds the sole reference (`isKnownUniquelyReferenced`), so no other
/// thread can see a change; a shared storage is never written.
private final class ArtifactStorage: @unchecked Sendable {
    var id: ArtifactID
    var type: ArtifactType
    var metadata: [String: String]
    var payload: Data
    var createdAt: Date
    var origin: String?
    var correlationID: String?

    init(
        id: ArtifactID, type: ArtifactType, metadata: [String: String], payload: Data, createdAt: Date, origin: String?,
        correlationID: String?
    ) {
        self.id = id
        self.type = type
        self.metadata = metadata
        self.payload = payload
        self.createdAt = createdAt
        self.origin = origin
        self.correlationID = correlationID
    }

    func copy() -> ArtifactStorage {
        ArtifactStorage(
            id: id, type: type, metadata: metadata, payload: payload, createdAt: createdAt, origin: origin,
            correlationID: correlationID)
    }
}

/// The id of an artifact: a string, unique per artifact.
///
/// A new id is ten random base-62 characters drawn once per process (about 59.5 bits)
/// followed by a base-62 counter (`k3J9xaQ2bT1a`): unique within the process (the prefix has
/// a fixed width) and, with overwhelming probability, across processes. Foundation's `UUID()`
/// reads `/dev/urandom` on every call (about 5 µs, most of the cost of making an artifact),
/// which a per-artifact id cannot afford; and up to the 916,132,832nd id of a process the text
/// is at most 15 bytes, which Swift keeps inside the `String` itself: making, copying or
/// reading one back from a plugin's C view allocates nothing.
public struct ArtifactID: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The id's text.
    public let rawValue: String

    /// A new unique id.
    public init() {
        rawValue = ArtifactIDSource.shared.next()
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

/// Where new artifact ids come from: one random prefix per process and an atomic counter.
final class ArtifactIDSource: Sendable {
    static let shared = ArtifactIDSource()

    /// Base 62: letters and digits only, so an id is safe in a file name, a URL or a subject.
    private static let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    static let prefixLength = 10

    private let prefix: [UInt8]
    private let counter = Atomic<UInt64>(0)

    private init() {
        var generator = SystemRandomNumberGenerator()
        prefix = (0..<Self.prefixLength).map { _ in Self.digits[Int(generator.next(upperBound: UInt64(62)))] }
    }

    func next() -> String {
        var number = counter.add(1, ordering: .relaxed).newValue
        // 11 base-62 digits hold any UInt64; written backwards into a fixed buffer.
        var counterDigits: (UInt64, UInt64) = (0, 0)
        let count = withUnsafeMutableBytes(of: &counterDigits) { buffer -> Int in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = Self.digits[Int(number % 62)]
                number /= 62
            } while number > 0
            return buffer.count - index
        }
        return withUnsafeBytes(of: &counterDigits) { digits in
            String(unsafeUninitializedCapacity: Self.prefixLength + count) { text in
                for index in 0..<Self.prefixLength { text[index] = prefix[index] }
                for index in 0..<count { text[Self.prefixLength + index] = digits[digits.count - count + index] }
                return Self.prefixLength + count
            }
        }
    }
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
