import Foundation

/// Parses UTF-8 JSON text into a `JSONValue`, strictly (RFC 8259) and by code points.
///
/// It refuses what `JSONDecoder` lets through or reports without a place:
/// - a member name written twice in one object (JavaScript keeps the last, this library's
///   old decoder the first: a validator and a consumer could read different values), named
///   with its JSON path and both places;
/// - a number beyond the range of a double (`1e400`) and a `\u` escape naming a lone
///   surrogate, which no `String` can hold;
/// - invalid UTF-8, comments, trailing commas, leading zeros, unescaped control characters.
///
/// Names that differ only by Unicode canonical equivalence (`"é"` and `"e\u{301}"`) are two
/// members, as JSON defines them. Numbers whose value is an integer that fits in `Int64`
/// (`3`, `3.0`, `3e2`) are `.integer`, other numbers `.number`. A leading UTF-8 byte order mark is skipped. Nesting is limited to
/// `maximumDepth` levels so that hostile input cannot exhaust the stack.
public enum JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 512

    /// Parses `data`.
    public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var state = ParserState(bytes: bytes)
            do throws(JSONParseError) {
                return .success(try state.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// One member or element on the way from the document to the value being parsed, for the
/// JSON path in messages.
private enum PathStep {
    case key(String)
    case index(Int)
}

/// The cursor and scratch space of one parse.
private struct ParserState {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    var path: [PathStep] = []
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        guard index < bytes.count else { throw error("the text is empty; expected a JSON value") }
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count {
            throw error("unexpected \(describeCurrent()) after the end of the JSON value; the text must hold one value")
        }
        return value
    }

    private static let expectedValue = "expected a value (a string in double quotes, a number, true, false, null, an array or an object)"

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of the text; expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "/"): throw error("comments are not allowed in JSON")
        default: throw error("unexpected \(describeCurrent()); \(Self.expectedValue)")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        let objectStart = index
        index += 1
        var storage: [JSONKey: JSONValue] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            depth -= 1
            return .object(JSONObject(storage: storage))
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of the text inside an object; expected a key or '}'") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                if bytes[index] == UInt8(ascii: "}") { throw error("expected a key after ',' (JSON does not allow a trailing comma)") }
                throw error("unexpected \(describeCurrent()); expected a key in double quotes")
            }
            let keyOffset = index
            let key = JSONKey(try parseString())
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else {
                throw error(index < bytes.count ? "unexpected \(describeCurrent()); expected ':' after the key \(quoted(key.string))" : "unexpected end of the text; expected ':'")
            }
            index += 1
            skipWhitespace()
            path.append(.key(key.string))
            let value = try parseValue()
            path.removeLast()
            if storage.updateValue(value, forKey: key) != nil {
                throw duplicate(key, at: keyOffset, firstAt: firstOffset(of: key, objectStart: objectStart))
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of the text inside an object; expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                break
            }
            throw error("unexpected \(describeCurrent()); expected ',' or '}' after the value of \(quoted(key.string))")
        }
        depth -= 1
        return .object(JSONObject(storage: storage))
    }

    /// Where `key` was first written in the object opening at `objectStart`: only asked when
    /// a duplicate is found, so the happy path keeps no offsets.
    private func firstOffset(of key: JSONKey, objectStart: Int) -> Int {
        var probe = ParserState(bytes: bytes)
        probe.index = objectStart + 1
        // The members before the duplicate parsed once already, so this cannot fail.
        while probe.index < bytes.count {
            probe.skipWhitespace()
            let offset = probe.index
            guard let name = try? probe.parseString() else { break }
            if JSONKey(name) == key { return offset }
            probe.skipWhitespace()
            probe.index += 1  // ':'
            probe.skipWhitespace()
            guard (try? probe.parseValue()) != nil else { break }
            probe.skipWhitespace()
            probe.index += 1  // ','
        }
        return objectStart
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            depth -= 1
            return .array(items)
        }
        path.append(.index(0))
        while true {
            skipWhitespace()
            if peek(UInt8(ascii: "]")) { throw error("expected a value after ',' (JSON does not allow a trailing comma)") }
            path[path.count - 1] = .index(items.count)
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of the text inside an array; expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                break
            }
            throw error("unexpected \(describeCurrent()); expected ',' or ']' in an array")
        }
        path.removeLast()
        depth -= 1
        return .array(items)
    }

    mutating func parseString() throws(JSONParseError) -> String {
        let start = index
        index += 1
        // Fast path: no escapes, so the string is a slice of the input.
        var cursor = index
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[index..<cursor])
                guard let string = String(validating: slice, as: UTF8.self) else { throw invalidUTF8(in: index..<cursor) }
                index = cursor + 1
                return string
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            cursor += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes[index..<cursor])
        index = cursor
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let end = index
                index += 1
                guard let string = String(validating: scratch, as: UTF8.self) else { throw invalidUTF8(in: (start + 1)..<end) }
                return string
            case UInt8(ascii: "\\"):
                try parseEscape()
            case 0..<0x20:
                throw error("unescaped control character (U+00\(String(byte, radix: 16, uppercase: true).leftPadded)) in a string; write it as an escape such as \\n or \\u00XX")
            default:
                scratch.append(byte)
                index += 1
            }
        }
        index = start
        throw error("unterminated string; add the closing '\"'")
    }

    private mutating func parseEscape() throws(JSONParseError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else {
            index = escapeStart
            throw error("unterminated escape at the end of the text")
        }
        let escape = bytes[index]
        index += 1
        if let byte = JSONEscape.byte(after: escape) {
            scratch.append(byte)
            return
        }
        switch escape {
        case UInt8(ascii: "u"):
            var value = try hex4(escapeStart: escapeStart)
            if JSONEscape.isHighSurrogate(value) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    index = escapeStart
                    throw loneSurrogate(value)
                }
                let lowStart = index
                index += 2
                let low = try hex4(escapeStart: lowStart)
                guard JSONEscape.isLowSurrogate(low) else {
                    index = escapeStart
                    throw loneSurrogate(value)
                }
                value = JSONEscape.pair(high: value, low: low)
            } else if JSONEscape.isLowSurrogate(value) {
                index = escapeStart
                throw loneSurrogate(value)
            }
            // Every value left is a scalar: surrogates were paired or refused above.
            let scalar = Unicode.Scalar(value)!
            scratch.append(contentsOf: UTF8.encode(scalar)!)
        default:
            index = escapeStart
            let shown = escape < 0x80 && escape >= 0x20 ? "'\\\(Character(Unicode.Scalar(escape)))'" : "'\\' followed by byte \(escape)"
            throw error("invalid escape \(shown) in a string; use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX")
        }
    }

    private mutating func hex4(escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else {
                index = escapeStart
                throw error("a \\u escape needs four hex digits")
            }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                index = escapeStart
                throw error("a \\u escape needs four hex digits")
            }
            value = value * 16 + UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: expected a digit after '-'") }
        // Accumulate the integer part as a negative magnitude so Int64.min fits.
        var magnitude: Int64 = 0
        var overflow = false
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("invalid number: JSON numbers have no leading zeros") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                let digit = Int64(bytes[index] - UInt8(ascii: "0"))
                let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (next, o2) = times.subtractingReportingOverflow(digit)
                overflow = overflow || o1 || o2
                magnitude = next
                index += 1
            }
        }
        var isInteger = true
        if peek(UInt8(ascii: ".")) {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: expected a digit after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: expected a digit in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if isInteger, !overflow {
            if negative { return .integer(magnitude) }
            if magnitude != .min { return .integer(-magnitude) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            index = start
            throw error("number \(text) is out of range: JSON numbers here must fit a 64-bit double (about ±1.8e308)")
        }
        // `2.0` and `1e3` are integers by value: kept as `.integer`, as JSONDecoder gave them,
        // so code that reads integers sees the same value however the sender wrote it.
        if let integer = Int64(exactly: number) { return .integer(integer) }
        return .number(number)
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - index >= expected.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
            var end = index
            while end < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[end] | 0x20) { end += 1 }
            let found = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<max(end, index + 1)]), as: UTF8.self)
            throw error("unexpected '\(found)'; \(Self.expectedValue)")
        }
        index += expected.count
        return value
    }

    // MARK: Helpers

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw error("arrays and objects are nested deeper than \(JSONParser.maximumDepth) levels")
        }
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek(_ byte: UInt8) -> Bool {
        index < bytes.count && bytes[index] == byte
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    private func quoted(_ key: String) -> String {
        JSONValue.string(key).shortLiteral
    }

    /// The character at the cursor, quoted, or "end of the text".
    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of the text" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
        return "character '\(ControlCharacters.escaped(text))'"
    }

    /// The JSON path of the value being parsed, e.g. `$.nodes[2].name`.
    private var currentPath: String {
        var text = JSONPath.root
        for step in path {
            switch step {
            case .key(let key): text = JSONPath.appending(key, to: text)
            case .index(let index): text = JSONPath.appending(index: index, to: text)
            }
        }
        return text
    }

    private func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for position in 0..<min(offset, bytes.count) {
            let byte = bytes[position]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    private func error(_ problem: String, at offset: Int? = nil) -> JSONParseError {
        let offset = offset ?? index
        let (line, column) = position(of: offset)
        let place = path.isEmpty ? "" : " (in \(currentPath))"
        return JSONParseError(line: line, column: column, offset: offset, problem: problem + place)
    }

    private func duplicate(_ key: JSONKey, at offset: Int, firstAt first: Int) -> JSONParseError {
        let (firstLine, firstColumn) = position(of: first)
        let memberPath = JSONPath.appending(key.string, to: currentPath)
        let (line, column) = position(of: offset)
        return JSONParseError(
            line: line, column: column, offset: offset,
            problem: "duplicate key \(quoted(key.string)) at \(memberPath) (first written at line \(firstLine), column \(firstColumn)); "
                + "a key may appear once in an object: remove one, or merge their values")
    }

    private func loneSurrogate(_ value: UInt32) -> JSONParseError {
        let hex = String(value, radix: 16, uppercase: true)
        return error(
            "\\u\(hex) is a lone surrogate: a high surrogate (\\uD800–\\uDBFF) must be followed by a low one (\\uDC00–\\uDFFF), "
                + "and a low one cannot stand alone; such a string is not Unicode text")
    }

    private func invalidUTF8(in range: Range<Int>) -> JSONParseError {
        var offset = range.lowerBound
        // Find the first byte that does not start a valid sequence, for the position.
        while offset < range.upperBound {
            let length: Int
            switch bytes[offset] {
            case 0..<0x80: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            guard length > 0, offset + length <= range.upperBound,
                String(validating: UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self) != nil
            else { break }
            offset += length
        }
        return error("the text is not valid UTF-8 here (byte 0x\(String(bytes[min(offset, bytes.count - 1)], radix: 16, uppercase: true)))", at: offset)
    }
}

extension String {
    /// Two hex digits, `0A` rather than `A`.
    fileprivate var leftPadded: String { count < 2 ? "0" + self : self }
}
