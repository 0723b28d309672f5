/// The set of types a port takes or emits. Order is kept for display; duplicates are removed.
public struct ArtifactTypeSet: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral, Sequence {
    /// The member types, in declaration order.
    public let types: [ArtifactType]

    /// A set of the given types.
    public init(_ types: [ArtifactType]) {
        var seen = Set<ArtifactType>()
        self.types = types.filter { seen.insert($0).inserted }
    }

    public init(arrayLiteral elements: ArtifactType...) {
        self.init(elements)
    }

    /// Parses each string as an `ArtifactType`.
    public init(parsing texts: [String]) throws {
        self.init(try texts.map { try ArtifactType(parsing: $0) })
    }

    /// `{*/*}`: takes or emits anything.
    public static let any: ArtifactTypeSet = [.any]

    /// Whether an artifact of `type` is accepted by some member.
    public func accepts(_ type: ArtifactType) -> Bool {
        types.contains { $0.accepts(type) }
    }

    /// Whether some artifact could belong to both sets.
    public func intersects(_ other: ArtifactTypeSet) -> Bool {
        types.contains { mine in other.types.contains { mine.overlaps($0) } }
    }

    /// The types an artifact could have to belong to both sets: for each overlapping pair,
    /// the narrowest type in both (parameters of the two merged).
    public func intersection(_ other: ArtifactTypeSet) -> ArtifactTypeSet {
        var result: [ArtifactType] = []
        for mine in types {
            for theirs in other.types where mine.overlaps(theirs) {
                result.append(mine.meet(theirs))
            }
        }
        return ArtifactTypeSet(result)
    }

    /// Whether the set is empty.
    public var isEmpty: Bool { types.isEmpty }

    public func makeIterator() -> IndexingIterator<[ArtifactType]> {
        types.makeIterator()
    }

    /// `{text/plain, chat/message}`.
    public var description: String {
        "{" + types.map(\.description).joined(separator: ", ") + "}"
    }
}

extension ArtifactTypeSet: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([ArtifactType].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(types)
    }
}
