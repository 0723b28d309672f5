extension JSONValue {
    /// The value as error messages show it: its JSON type, then the value itself for scalars
    /// (strings quoted and cut after 40 characters), or its size for arrays and objects:
    /// `string "hot"`, `integer 3`, `boolean true`, `null`, `array of 2 items`, `object`.
    ///
    /// - Parameter redacted: show `***` instead of the value (for values that came from
    ///   the environment and may be secrets).
    public func messageDescription(redacted: Bool = false) -> String {
        if redacted {
            switch self {
            case .null: return "null"
            case .array, .object: break
            default: return "\(typeName) ***"
            }
        }
        switch self {
        case .null: return "null"
        case .bool(let value): return "boolean \(value)"
        case .integer, .number: return "\(typeName) \(jsonText)"
        case .string: return "string \(shortLiteral)"
        case .array(let items): return "array of \(items.count) item\(items.count == 1 ? "" : "s")"
        case .object(let members): return members.isEmpty ? "empty object" : "object"
        }
    }

    /// The value as compact JSON, cut after 40 characters with `…`: for quoting expected
    /// values (`enum`, `const`) in messages.
    public var shortLiteral: String {
        let text = jsonText
        guard text.count > 40 else { return text }
        return String(text.prefix(39)) + "…"
    }
}
