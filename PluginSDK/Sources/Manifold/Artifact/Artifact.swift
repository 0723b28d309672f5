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
///
/// `@unchecked Sendable` because its storage is a `ManagedBuffer` (see `ArtifactStorage`),
/// which is never written once shared: the fields are all `Sendable` values, and a copy
/// sent to another thread only ever reads them.
public struct Artifact: @unchecked Sendable, Hashable {
    private var storage: ArtifactStorage

    /// Unique id of this artifact.
    public var id: ArtifactID {
        get { storage.fields.pointee.id }
        _modify { yield &uniqueFields().pointee.id }
    }
    /// What the payload holds, e.g. `text/plain` or `chat/message`.
    public var type: ArtifactType {
        get { storage.fields.pointee.type }
        _modify { yield &uniqueFields().pointee.type }
    }
    /// Free-form string metadata. Keys starting with `manifold.` are reserved for the runtime.
    public var metadata: [String: String] {
        get { storage.fields.pointee.metadata }
        _modify { yield &uniqueFields().pointee.metadata }
    }
    /// The payload bytes.
    public var payload: Data {
        get { storage.fields.pointee.payload }
        _modify { yield &uniqueFields().pointee.payload }
    }
    /// When the artifact was made (wall clock, so it survives serialisation).
    public var createdAt: Date {
        get { storage.fields.pointee.createdAt }
        _modify { yield &uniqueFields().pointee.createdAt }
    }
    /// The node that produced it; `nil` for artifacts fed from outside a graph.
    public var origin: String? {
        get { storage.fields.pointee.origin }
        _modify { yield &uniqueFields().pointee.origin }
    }
    /// Follows one request through a graph: outputs inherit the correlation id of their input.
    public var correlationID: String? {
        get { storage.fields.pointee.correlationID }
        _modify { yield &uniqueFields().pointee.correlationID }
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
        storage = ArtifactStorage.make(ArtifactFields(
            id: id, type: type, metadata: metadata, payload: payload, createdAt: createdAt, origin: origin,
            correlationID: correlationID))
    }

    /// The fields, copied first when another artifact shares them.
    private mutating func uniqueFields() -> UnsafeMutablePointer<ArtifactFields> {
        if !isKnownUniquelyReferenced(&storage) { storage = ArtifactStorage.make(storage.fields.pointee) }
        return storage.fields
    }

    public static func == (lhs: Artifact, rhs: Artifact) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields.pointee == rhs.storage.fields.pointee
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields.pointee)
    }
}

/// An artifact's fields (all `Sendable`).
private struct ArtifactFields: Hashable, Sendable {
    var id: ArtifactID
    var type: ArtifactType
    var metadata: [String: String]
    var payload: Data
    var createdAt: Date
    var origin: String?
    var correlationID: String?
}

/// An artifact's fields in one heap object, shared by the artifact's copies.
///
/// A `ManagedBuffer` whose header is the fields: they are read and written through a pointer
/// to the header, which the runtime's dynamic exclusivity checks do not track (a class's
/// stored properties are checked at every access, which cost more than the copies this type
/// saves). The fields are written only through `Artifact`'s accessors, and only while the
/// artifact holds the sole reference (`isKnownUniquelyReferenced`), so no other thread can
/// see a write.
private final class ArtifactStorage: ManagedBuffer<ArtifactFields, UInt8> {
    /// A storage holding `fields`.
    static func make(_ fields: ArtifactFields) -> ArtifactStorage {
        unsafeDowncast(create(minimumCapacity: 0) { _ in fields }, to: ArtifactStorage.self)
    }

    /// The fields, valid as long as this storage is.
    var fields: UnsafeMutablePointer<ArtifactFields> {
        withUnsafeMutablePointerToHeader { $0 }
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
    /// How many node hops the artifact's chain has made since a graph input or a source fed
    /// it (see `HopLimit`); written only in graphs that limit hops.
    public static let hops = "manifold.hops"
    /// The W3C `traceparent` of a traced run (`TraceContext`): the trace the artifact belongs
    /// to and the span that produced it; written only when the run is traced.
    public static let traceParent = "traceparent"
}
