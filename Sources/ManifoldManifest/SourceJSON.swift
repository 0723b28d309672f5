import Foundation
import ManifoldJSON

/// A JSON syntax error with its line and column, e.g.
/// `invalid JSON at line 3, column 9: unexpected character 't'; expected a value`.
struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line.
    let line: Int
    /// 1-based column, in characters.
    let column: Int
    /// What is wrong there.
    let problem: String

    var description: String { "invalid JSON at line \(line), column \(column): \(problem)" }
}

/// A key written twice in one object.
struct DuplicateKey: Sendable, Equatable {
    /// The path of the key.
    let path: String
    let key: String
    /// Lines of the first and the repeated occurrence.
    let firstLine: Int
    let line: Int
}

/// Manifest text parsed strictly (RFC 8259: no comments, no trailing commas), keeping what
/// `JSONValue` loses: the order keys were written in, duplicate keys, and line/column
/// positions for syntax errors. Foundation's decoders on Linux report neither position
/// nor duplicates, and accept trailing commas.
struct SourceJSON {
    /// The document.
    let value: JSONValue
    /// Keys of every object in the order written, by the object's JSON path.
    let keyOrder: [String: [String]]
    /// Keys written more than once in the same object (the last one is kept).
    let duplicateKeys: [DuplicateKey]

    static let maximumDepth = 256

    /// Parses UTF-8 JSON text.
    static func parse(_ data: Data) throws(JSONSyntaxError) -> SourceJSON {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw JSONSyntaxError(line: 1, column: 1, problem: "the file is not UTF-8 text")
        }
        var parser = SourceJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(path: JSONPath.root)
        parser.skipWhitespace()
        if parser.index < bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the JSON value; a file holds one value")
        }
        return SourceJSON(value: value, keyOrder: parser.keyOrder, duplicateKeys: parser.duplicates)
    }
}

/// The recursive-descent parser behind `SourceJSON`.
struct SourceJSONParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0
    var keyOrder: [String: [String]] = [:]
    var duplicates: [DuplicateKey] = []
    /// Byte offset where each line starts.
    private let lineStarts: [Int]

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        self.lineStarts = starts
    }

    static let expectedValue = "expected a value (a string in double quotes, a number, true, false, null, an array or an object)"

    mutating func parseValue(path: String) throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else {
            throw error("unexpected end of file; expected a value")
        }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(path: path)
        case UInt8(ascii: "["): return try parseArray(path: path)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return try literal("", .null)
        case UInt8(ascii: "/"): throw error("comments are not allowed in JSON")
        default:
            throw error("unexpected \(describeCurrent()); \(Self.expectedValue)")
        }
    }

    private mutating func parseObject(path: String) throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        // Keyed by code points: names that differ only by Unicode normalisation are two keys.
        var members = JSONObject()
        var order: [String] = []
        var lines: [JSONKey: Int] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            depth -= 1
            keyOrder[path] = []
            return .object([:])
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file inside an object; expected a key or '}'") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                if bytes[index] == UInt8(ascii: "}") { throw error("expected a key after ',' (JSON does not allow a trailing comma)") }
                throw error("unexpected \(describeCurrent()); expected a key in double quotes")
            }
            let keyLine = line(of: index)
            let key = try parseString()
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else {
                throw error(index < bytes.count ? "unexpected \(describeCurrent()); expected ':' after the key \"\(key)\"" : "unexpected end of file; expected ':'")
            }
            index += 1
            skipWhitespace()
            let memberPath = JSONPath.appending(key, to: path)
            let value = try parseValue(path: memberPath)
            if let firstLine = lines[JSONKey(key)] {
                duplicates.append(DuplicateKey(path: memberPath, key: key, firstLine: firstLine, line: keyLine))
            } else {
                order.append(key)
                lines[JSONKey(key)] = keyLine
            }
            members[key] = value
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file inside an object; expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                break
            }
            throw error("unexpected \(describeCurrent()); expected ',' or '}' after the value of \"\(key)\"")
        }
        depth -= 1
        keyOrder[path] = order
        return .object(members)
    }

    private mutating func parseArray(path: String) throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            depth -= 1
            return .array([])
        }
        while true {
            skipWhitespace()
            if peek(UInt8(ascii: "]")) { throw error("expected a value after ',' (JSON does not allow a trailing comma)") }
            items.append(try parseValue(path: JSONPath.appending(index: items.count, to: path)))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file inside an array; expected ',' or ']'") }
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
        depth -= 1
        return .array(items)
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1
        var buffer: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var scalarValue = try hex4()
                    if (0xD800...0xDBFF).contains(scalarValue) {
                        guard peek(UInt8(ascii: "\\")), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("a \\u escape for a high surrogate must be followed by a low surrogate")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate in a \\u escape") }
                        scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(scalarValue) else { throw error("a \\u escape names a lone surrogate") }
                    buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    index -= 2
                    throw error("invalid escape '\\\(String(decoding: [escape], as: UTF8.self))' in a string; use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX")
                }
            case 0..<0x20:
                throw error("unescaped control character in a string; write it as an escape such as \\n")
            default:
                buffer.append(byte)
                index += 1
            }
        }
        index = start
        throw error("unterminated string; add the closing '\"'")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("a \\u escape needs four hex digits")
            }
            value = value * 16 + UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        var isInteger = true
        if peek(UInt8(ascii: "-")) { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw error("invalid number: expected a digit after '-'")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("invalid number: JSON numbers have no leading zeros") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
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
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let number = Double(text), number.isFinite else {
            index = start
            throw error("number \(text) is out of range")
        }
        return .number(number)
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        let expected = Array(word.utf8)
        guard !expected.isEmpty, bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            var end = index
            while end < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[end]) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[end]) { end += 1 }
            let found = String(decoding: bytes[index..<max(end, index + 1)], as: UTF8.self)
            throw error("unexpected '\(found)'; \(Self.expectedValue)")
        }
        index += expected.count
        return value
    }

    // MARK: Helpers

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > SourceJSON.maximumDepth { throw error("nesting deeper than \(SourceJSON.maximumDepth) levels") }
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
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// The character at the current index, quoted, or "end of file".
    func describeCurrent() -> String {
        guard index < bytes.count else { return "end of file" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "character '\(String(decoding: bytes[index..<end], as: UTF8.self))'"
    }

    /// 1-based line of a byte offset, by binary search over the line starts: every key asks
    /// for its line (for duplicate-key messages), so this must not walk the text.
    func line(of offset: Int) -> Int {
        let offset = min(offset, bytes.count)
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// 1-based line and column (in characters) of a byte offset. The column counts the
    /// line's characters up to the offset, so only errors ask for it: a key's line alone
    /// comes from `line(of:)`, which stays cheap on a manifest written on one long line.
    func position(of offset: Int) -> (line: Int, column: Int) {
        let offset = min(offset, bytes.count)
        let line = line(of: offset)
        let column = bytes[lineStarts[line - 1]..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        return (line, column)
    }

    func error(_ problem: String) -> JSONSyntaxError {
        let (line, column) = position(of: index)
        return JSONSyntaxError(line: line, column: column, problem: problem)
    }
}
