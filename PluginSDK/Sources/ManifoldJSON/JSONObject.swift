/// The members of a JSON object, keyed by name as JSON compares names: code point by code
/// point, so `"é"` and `"e\u{301}"` are two members (see `JSONKey`).
///
/// It reads like a `[String: JSONValue]`: subscript by name, `keys`, `count`, iteration over
/// `(key, value)` pairs, and a dictionary literal.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    var storage: [JSONKey: JSONValue]

    /// An empty object.
    public init() {
        storage = [:]
    }

    /// The members of a dictionary. Names a `Dictionary` already merged (canonically
    /// equivalent ones) stay merged: build a `JSONObject` directly to keep them apart.
    public init(_ members: [String: JSONValue]) {
        storage = Dictionary(minimumCapacity: members.count)
        for (key, value) in members { storage[JSONKey(key)] = value }
    }

    /// Makes an object; of a name written twice, the last value is kept.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        storage = Dictionary(minimumCapacity: elements.count)
        for (key, value) in elements { storage[JSONKey(key)] = value }
    }

    init(storage: [JSONKey: JSONValue]) {
        self.storage = storage
    }

    /// The value of member `key`, matched by code points; setting `nil` removes it.
    public subscript(key: String) -> JSONValue? {
        get { storage[JSONKey(key)] }
        set { storage[JSONKey(key)] = newValue }
    }

    /// The number of members.
    public var count: Int { storage.count }

    /// Whether there are no members.
    public var isEmpty: Bool { storage.isEmpty }

    /// The names, in no particular order.
    public var keys: [String] { storage.keys.map(\.string) }

    /// The names in code point order: the order serialisation and messages use.
    public var sortedKeys: [String] { storage.keys.sorted().map(\.string) }

    /// The values, in the order of `keys`.
    public var values: [JSONValue] { Array(storage.values) }

    /// Removes member `key`; returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        storage.removeValue(forKey: JSONKey(key))
    }

    /// The object with `transform` applied to every value.
    public func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        JSONObject(storage: try storage.mapValues(transform))
    }

    /// The members as a Swift dictionary; names that differ only by canonical equivalence
    /// collapse into one there.
    public var dictionary: [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (key, value) in storage { result[key.string] = value }
        return result
    }

    /// Iterates `(key:, value:)` pairs in no particular order.
    public struct Iterator: IteratorProtocol {
        var base: Dictionary<JSONKey, JSONValue>.Iterator

        public mutating func next() -> (key: String, value: JSONValue)? {
            guard let (key, value) = base.next() else { return nil }
            return (key.string, value)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(base: storage.makeIterator())
    }
}
