/// Writes a `JSONValue` as UTF-8 JSON text, with members sorted by code point.
///
/// A writer of its own rather than `JSONEncoder`, whose keyed containers hold names as
/// `String`s and would merge two names that differ only by canonical equivalence.
/// Strings escape `"`, `\` and control characters (`\n`, `\t`, … or `\u00XX`); `/` is not
/// escaped. Numbers are written as Swift prints them (the shortest text that reads back as
/// the same double), with no `.0` on integral values; NaN and infinities as `null`.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    let pretty: Bool
    private var indent = 0

    init(pretty: Bool) {
        self.pretty = pretty
        bytes.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .integer(let integer): append(String(integer))
        case .number(let number): append(Self.text(of: number))
        case .string(let string): writeString(string)
        case .array(let items):
            guard !items.isEmpty else { return append("[]") }
            bytes.append(UInt8(ascii: "["))
            indent += 1
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                newline()
                write(item)
            }
            indent -= 1
            newline()
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else { return append("{}") }
            bytes.append(UInt8(ascii: "{"))
            indent += 1
            for (index, key) in members.storage.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                newline()
                writeString(key.string)
                append(pretty ? " : " : ":")
                write(members.storage[key]!)
            }
            indent -= 1
            newline()
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// `2.5`, `3` for 3.0, `1e+300`; `null` when not finite.
    static func text(of number: Double) -> String {
        guard number.isFinite else { return "null" }
        let text = number.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private mutating func writeString(_ string: String) {
        Self.appendQuoted(string, to: &bytes)
    }

    /// Appends `string` quoted and escaped.
    static func appendQuoted(_ string: String, to bytes: inout [UInt8]) {
        func append(_ text: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0..<0x20:
                append("\\u00")
                bytes.append(Self.hexDigit(byte >> 4))
                bytes.append(Self.hexDigit(byte & 0xF))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(0x0A)
        for _ in 0..<indent { append("  ") }
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}
