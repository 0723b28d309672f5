/// What JSON's string escapes stand for, shared by the parser (which explains what it
/// refuses) and the scanner (which declines it): one table, so the two cannot disagree.
enum JSONEscape {
    /// The byte a one-character escape (`\n`, `\"`, …) stands for, given the byte after the
    /// backslash; `nil` for `u` (four hex digits follow) and for anything that is no escape.
    static func byte(after backslash: UInt8) -> UInt8? {
        switch backslash {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): backslash
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// Whether a `\uXXXX` value is a high surrogate, which a low one must follow.
    static func isHighSurrogate(_ value: UInt32) -> Bool { (0xD800...0xDBFF).contains(value) }

    /// Whether a `\uXXXX` value is a low surrogate, valid only after a high one.
    static func isLowSurrogate(_ value: UInt32) -> Bool { (0xDC00...0xDFFF).contains(value) }

    /// The scalar value a high and a low surrogate stand for together.
    static func pair(high: UInt32, low: UInt32) -> UInt32 {
        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    }
}
