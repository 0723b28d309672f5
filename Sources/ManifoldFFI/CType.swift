/// A C type that a foreign tool function may take or return.
///
/// The raw value is the canonical spelling used in messages and in `CSignature.description`.
/// Signatures may also use C spellings (`int`, `unsigned long`, `size_t`, `const char*`, …),
/// which the parser maps to these cases for the platform's data model.
///
/// How each type crosses the JSON boundary:
/// - integers take JSON integers (or numbers with an exact integral value) inside the type's
///   range and return `.integer`;
/// - `float`/`double` take any JSON number and return `.number`;
/// - `bool` takes and returns JSON booleans;
/// - `string` (`const char*`) takes a JSON string without NUL characters and returns
///   `.string`, or `.null` for a NULL return;
/// - `ptr` (`void*`) is an opaque pointer parameter that only accepts JSON `null` (passed as
///   NULL); it is not allowed as a return type.
public enum CType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// No value; only valid as a return type (or as the whole parameter list, `(void)`).
    case void
    /// C `bool` / `_Bool`, passed as one byte holding 0 or 1.
    case bool
    /// Signed 8-bit integer (`int8_t`, `char`, `signed char`).
    case int8
    /// Signed 16-bit integer (`int16_t`, `short`).
    case int16
    /// Signed 32-bit integer (`int32_t`, `int`).
    case int32
    /// Signed 64-bit integer (`int64_t`, `long long`, and `long` on LP64 platforms).
    case int64
    /// Unsigned 8-bit integer (`uint8_t`, `unsigned char`).
    case uint8
    /// Unsigned 16-bit integer (`uint16_t`, `unsigned short`).
    case uint16
    /// Unsigned 32-bit integer (`uint32_t`, `unsigned`, `unsigned int`).
    case uint32
    /// Unsigned 64-bit integer (`uint64_t`, `unsigned long long`, and `size_t` on 64-bit platforms).
    case uint64
    /// IEEE 754 single precision (`float`).
    case float
    /// IEEE 754 double precision (`double`).
    case double
    /// A NUL-terminated UTF-8 string (`const char*`, `char*`).
    case string
    /// An opaque pointer (`void*`, `ptr`): only NULL can be passed, written as JSON `null`.
    case pointer = "ptr"

    /// The canonical spelling, e.g. `int32` or `ptr`.
    public var description: String { rawValue }

    /// The C spelling of the type, e.g. `int32_t` or `const char*`.
    public var cSpelling: String {
        switch self {
        case .void: return "void"
        case .bool: return "bool"
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: return rawValue + "_t"
        case .float: return "float"
        case .double: return "double"
        case .string: return "const char*"
        case .pointer: return "void*"
        }
    }

    /// Whether the type is one of the eight fixed-width integer types.
    public var isInteger: Bool { integerBounds != nil }

    /// Whether the type is an unsigned integer type.
    public var isUnsignedInteger: Bool {
        switch self {
        case .uint8, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }

    /// The smallest and largest value of an integer type, or `nil` for other types.
    ///
    /// The minimum is an `Int64` and the maximum a `UInt64`, so every integer type's range
    /// is exact (including `uint64`'s).
    public var integerBounds: (min: Int64, max: UInt64)? {
        switch self {
        case .int8: return (Int64(Int8.min), UInt64(Int8.max))
        case .int16: return (Int64(Int16.min), UInt64(Int16.max))
        case .int32: return (Int64(Int32.min), UInt64(Int32.max))
        case .int64: return (Int64.min, UInt64(Int64.max))
        case .uint8: return (0, UInt64(UInt8.max))
        case .uint16: return (0, UInt64(UInt16.max))
        case .uint32: return (0, UInt64(UInt32.max))
        case .uint64: return (0, UInt64.max)
        default: return nil
        }
    }

    /// The JSON Schema `type` of values this C type accepts as an argument: `"integer"`,
    /// `"number"`, `"boolean"`, `"string"` or `"null"`; `nil` for `void`.
    public var jsonSchemaType: String? {
        switch self {
        case .void: return nil
        case .bool: return "boolean"
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: return "integer"
        case .float, .double: return "number"
        case .string: return "string"
        case .pointer: return "null"
        }
    }

    /// What an argument of this type must be, for error messages (e.g. `an integer in -128...127`).
    var expectation: String {
        switch self {
        case .void: return "no value"
        case .bool: return "a boolean"
        case .float, .double: return "a number"
        case .string: return "a string"
        case .pointer: return "null (an opaque pointer parameter only accepts null, passed as NULL)"
        default: return "an integer in \(rangeDescription)"
        }
    }

    /// The range written as `min...max` for integers and `float`, or an empty string for other types.
    var rangeDescription: String {
        if self == .float { return "\(-Float.greatestFiniteMagnitude)...\(Float.greatestFiniteMagnitude)" }
        guard let bounds = integerBounds else { return "" }
        return "\(bounds.min)...\(bounds.max)"
    }
}
