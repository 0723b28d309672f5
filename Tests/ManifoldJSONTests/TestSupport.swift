import ManifoldJSON

/// Shared helpers for the JSON Schema tests.
enum Support {
    /// Violations of `value` against `schema`.
    static func violations(_ schema: JSONValue, _ value: JSONValue) throws -> [SchemaViolation] {
        try JSONSchema(schema).validate(value)
    }

    /// The problems `JSONSchema(schema)` reports, or none.
    static func schemaProblems(_ schema: JSONValue) -> [SchemaError.Problem] {
        do {
            _ = try JSONSchema(schema)
            return []
        } catch {
            return error.problems
        }
    }
}

extension Array where Element == SchemaViolation {
    /// `path: message` of each violation, for compact expectations.
    var lines: [String] { map(\.description) }
}
