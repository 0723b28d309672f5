import ManifoldJSON

/// A value a JSON Schema suggests or is easily satisfied by: the instance the checker
/// offers where a schema is all it knows (a config without `--config` or `examples`, a
/// payload of a JSON type).
///
/// In order: the schema's first example, its `const`, its first `enum` value, its
/// `default`; else the simplest value of its (first) type that meets the usual bounds — an
/// object of its required properties (each sampled from its own schema), an array of
/// `minItems` sampled items, a string of `minLength` letters, a number within its minimum
/// and maximum. It is a guess, not a solver: callers validate the result against the
/// schema before they use it.
enum SchemaSample {
    /// How deep sampling follows `properties` and `items`, so a recursive schema ends.
    private static let depthLimit = 16

    /// The sample of `schema`, or `nil` when it suggests nothing (`false`, an unknown type).
    static func value(for schema: JSONValue, root: JSONValue? = nil, depth: Int = 0) -> JSONValue? {
        let root = root ?? schema
        guard depth < depthLimit else { return nil }
        if case .bool(let accepts) = schema { return accepts ? .object([:]) : nil }
        guard schema.objectValue != nil else { return nil }
        if let example = schema["examples"]?.arrayValue?.first { return example }
        if let constant = schema["const"] { return constant }
        if let first = schema["enum"]?.arrayValue?.first { return first }
        if let defaultValue = schema["default"] { return defaultValue }
        if let reference = schema["$ref"]?.stringValue, let target = resolve(reference, in: root) {
            return value(for: target, root: root, depth: depth + 1)
        }
        if let alternatives = (schema["anyOf"] ?? schema["oneOf"])?.arrayValue {
            for alternative in alternatives {
                if let sample = value(for: merged(schema, dropping: ["anyOf", "oneOf"], with: alternative), root: root, depth: depth + 1) {
                    return sample
                }
            }
        }
        if let parts = schema["allOf"]?.arrayValue {
            let combined = parts.reduce(merged(schema, dropping: ["allOf"], with: .object([:]))) { merged($0, dropping: [], with: $1) }
            return value(for: combined, root: root, depth: depth + 1)
        }
        switch typeName(of: schema) {
        case "object":
            var members: [String: JSONValue] = [:]
            let properties = schema["properties"]?.objectValue
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                let property = properties?[name] ?? .object([:])
                guard let sample = value(for: property, root: root, depth: depth + 1) else { return nil }
                members[name] = sample
            }
            return .object(members)
        case "array":
            let count = Int(schema["minItems"]?.integerValue ?? 0)
            guard count > 0 else { return .array([]) }
            guard let items = schema["items"], let item = value(for: items, root: root, depth: depth + 1) else { return nil }
            return .array(Array(repeating: item, count: count))
        case "string":
            return .string(String(repeating: "a", count: Int(schema["minLength"]?.integerValue ?? 0)))
        case "integer":
            return .integer(integer(within: schema))
        case "number":
            return number(within: schema)
        case "boolean":
            return .bool(false)
        case "null":
            return .null
        default:
            return nil
        }
    }

    /// The schema's type, or one its keywords imply (`properties` → object).
    private static func typeName(of schema: JSONValue) -> String? {
        if let name = schema["type"]?.stringValue { return name }
        if let first = schema["type"]?.arrayValue?.first?.stringValue { return first }
        if schema["properties"] != nil || schema["required"] != nil { return "object" }
        if schema["items"] != nil || schema["prefixItems"] != nil { return "array" }
        return nil
    }

    private static func integer(within schema: JSONValue) -> Int64 {
        if let minimum = schema["minimum"]?.doubleValue { return Int64(minimum.rounded(.up)) }
        if let exclusive = schema["exclusiveMinimum"]?.doubleValue { return Int64(exclusive.rounded(.down)) + 1 }
        if let maximum = schema["maximum"]?.doubleValue, maximum < 0 { return Int64(maximum.rounded(.down)) }
        return schema["maximum"]?.doubleValue.map { min(1, Int64($0.rounded(.down))) } ?? 1
    }

    private static func number(within schema: JSONValue) -> JSONValue {
        if let minimum = schema["minimum"]?.doubleValue { return .number(minimum) }
        if let exclusive = schema["exclusiveMinimum"]?.doubleValue {
            let upper = schema["maximum"]?.doubleValue ?? schema["exclusiveMaximum"]?.doubleValue ?? exclusive + 2
            return .number((exclusive + upper) / 2)
        }
        if let maximum = schema["maximum"]?.doubleValue, maximum < 1 { return .number(maximum) }
        return .number(1)
    }

    /// `schema` without `keywords`, with the members of `other` added (an object schema's
    /// own members win, except `required`, which both contribute to).
    private static func merged(_ schema: JSONValue, dropping keywords: Set<String>, with other: JSONValue) -> JSONValue {
        guard var members = schema.objectValue else { return other }
        for keyword in keywords { members[keyword] = nil }
        guard let extra = other.objectValue else { return .object(members) }
        for (key, value) in extra {
            if key == "required", let mine = members["required"]?.arrayValue, let theirs = value.arrayValue {
                members["required"] = .array(mine + theirs)
            } else if key == "properties", let mine = members["properties"]?.objectValue, let theirs = value.objectValue {
                var combined = mine
                for (name, property) in theirs where combined[name] == nil { combined[name] = property }
                members["properties"] = .object(combined)
            } else if members[key] == nil {
                members[key] = value
            }
        }
        return .object(members)
    }

    /// A local reference (`#/$defs/x`, `#/definitions/x`) in `root`.
    private static func resolve(_ reference: String, in root: JSONValue) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var current: JSONValue? = root
        for part in reference.dropFirst().split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            current = current?[key]
        }
        return current
    }
}
