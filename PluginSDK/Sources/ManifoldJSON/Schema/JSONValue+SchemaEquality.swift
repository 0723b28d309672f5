extension JSONValue {
    /// The value with every number that is an exact integer written as `.integer`, so that
    /// JSON Schema's equality (`1` equals `1.0`) is plain `==` on the results.
    var schemaCanonical: JSONValue {
        switch self {
        case .number(let value):
            if let exact = Int64(exactly: value) { return .integer(exact) }
            return self
        case .array(let items): return .array(items.map(\.schemaCanonical))
        case .object(let members): return .object(members.mapValues(\.schemaCanonical))
        default: return self
        }
    }

    /// JSON Schema equality: numbers compare by value whatever their representation.
    func schemaEquals(_ other: JSONValue) -> Bool {
        schemaCanonical == other.schemaCanonical
    }
}
