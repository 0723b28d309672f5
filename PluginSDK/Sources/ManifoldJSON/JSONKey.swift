import Foundation

/// An object member's name, compared and hashed by its Unicode code points.
///
/// JSON (RFC 8259) and JSON Schema compare names code point by code point, while Swift's
/// `String` equality and hashing use canonical equivalence, under which the precomposed
/// `"é"` (U+00E9) and `"e\u{301}"` (e + combining acute) are the same. Keyed by `String`, an
/// object would merge two members JSON keeps apart.
public struct JSONKey: Hashable, Sendable, Comparable {
    /// The name.
    public let string: String

    /// The key named `string`.
    public init(_ string: String) {
        self.string = string
    }

    public static func == (lhs: JSONKey, rhs: JSONKey) -> Bool {
        JSONText.sameCodePoints(lhs.string, rhs.string)
    }

    public func hash(into hasher: inout Hasher) {
        JSONText.hashCodePoints(string, into: &hasher)
    }

    /// Code point order (the order of the UTF-8 bytes), for stable output.
    public static func < (lhs: JSONKey, rhs: JSONKey) -> Bool {
        JSONText.precedesByCodePoints(lhs.string, rhs.string)
    }
}

/// Code-point comparisons of strings, as JSON defines them.
public enum JSONText {
    /// Whether two strings have the same code points (not merely canonically equivalent ones).
    public static func sameCodePoints(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs, rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                left.count == right.count && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
            }
        }
    }

    /// Feeds the string's UTF-8 bytes, then a terminator, to `hasher`.
    public static func hashCodePoints(_ string: String, into hasher: inout Hasher) {
        var string = string
        string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0xFF as UInt8)  // never part of UTF-8: keeps ("ab","c") and ("a","bc") apart
    }

    /// Whether `lhs` sorts before `rhs` in code point order (which UTF-8 byte order preserves).
    public static func precedesByCodePoints(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
