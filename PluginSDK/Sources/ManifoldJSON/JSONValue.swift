import Foundation

/// A JSON document held as a value: what manifests, plugin configs, tool arguments and
/// provider wire messages are made of.
///
/// Numbers keep the distinction between integers and other numbers, so that `3` round-trips
/// as `3` and an integer argument can be range-checked without going through `Double`.
///
/// Strings and object member names compare by Unicode code points, as JSON does: `"é"`
/// (U+00E9) and `"e\u{301}"` are different strings and different member names, although
/// Swift's `String ==` calls them equal.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// An object made of a Swift dictionary's members.
    public static func object(_ members: [String: JSONValue]) -> JSONValue {
        .object(JSONObject(members))
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let left), .bool(let right)): return left == right
        case (.integer(let left), .integer(let right)): return left == right
        case (.number(let left), .number(let right)): return left == right
        case (.string(let left), .string(let right)): return JSONText.sameCodePoints(left, right)
        case (.array(let left), .array(let right)): return left == right
        case (.object(let left), .object(let right)): return left == right
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0 as UInt8)
        case .bool(let value): hasher.combine(1 as UInt8); hasher.combine(value)
        case .integer(let value): hasher.combine(2 as UInt8); hasher.combine(value)
        case .number(let value): hasher.combine(3 as UInt8); hasher.combine(value)
        case .string(let value): hasher.combine(4 as UInt8); JSONText.hashCodePoints(value, into: &hasher)
        case .array(let value): hasher.combine(5 as UInt8); hasher.combine(value)
        case .object(let value): hasher.combine(6 as UInt8); hasher.combine(value)
        }
    }
}

extension JSONValue {
    /// The value as an object, or `nil`.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The value as an array, or `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    /// The value as a string, or `nil`.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The value as a Bool, or `nil`.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// The value as an integer when it is one exactly (`2.0` counts, `2.5` does not), or `nil`.
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .number(let value):
            guard value.rounded() == value, let exact = Int64(exactly: value) else { return nil }
            return exact
        default: return nil
        }
    }

    /// The value as a Double when it is any number, or `nil`.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    /// The JSON type name used in error messages and by JSON Schema (`"object"`, `"integer"`, …).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Member access for objects; `nil` for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let integer = try? container.decode(Int64.self) {
            self = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(JSONObject(try container.decode([String: JSONValue].self)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        // JSON has no NaN or infinity (a C tool's overflow, say): they are written as null,
        // so encoding a JSONValue, alone or inside any Codable payload, never fails on them.
        case .number(let value) where !value.isFinite: try container.encodeNil()
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value.dictionary)
        }
    }
}

extension JSONValue {
    /// Parses UTF-8 JSON text strictly (RFC 8259; see `JSONParser`): a member name written
    /// twice in one object, a number out of the range of a double, a lone surrogate and invalid
    /// UTF-8 are refused.
    ///
    /// - Throws: `JSONParseError`, with the line, column and byte offset of the problem and,
    ///   for a duplicate name, its JSON path.
    public init(parsing data: Data) throws(JSONParseError) {
        self = try JSONParser.parse(data)
    }

    /// Parses JSON text.
    public init(parsing text: String) throws(JSONParseError) {
        self = try JSONParser.parse(Data(text.utf8))
    }

    /// Serialises the value; keys are sorted by code point so the output is stable.
    /// Non-finite numbers are written as `null`.
    public func serialized(pretty: Bool = false) -> Data {
        var writer = JSONWriter(pretty: pretty)
        writer.write(self)
        return Data(writer.bytes)
    }

    /// The value as compact JSON text.
    public var jsonText: String {
        String(decoding: serialized(), as: UTF8.self)
    }

    /// Appends `string` as a JSON string (quoted; `"`, `\` and control characters escaped,
    /// as `serialized()` writes them) to `bytes`: for code that writes a small JSON shape of
    /// its own on a hot path, such as one payload per streamed token, without building a value.
    public static func appendJSONString(_ string: String, to bytes: inout [UInt8]) {
        JSONWriter.appendQuoted(string, to: &bytes)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
    public init(nilLiteral: ()) { self = .null }
}
