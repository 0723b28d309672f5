/// A forward-only reader of UTF-8 JSON text, for hot paths that read a few members of a known
/// shape (a streamed chunk, a small payload) without building a `JSONValue` tree.
///
/// It never reports a problem: at anything it does not accept it *declines* (its readers return
/// `nil` or `false`, and `scan` then returns `false`), and the caller falls back to `JSONParser`,
/// which says what is wrong and where. It accepts only what `JSONParser` accepts, with the same
/// values, so the two paths cannot disagree; and it declines some valid text it does not bother
/// with: member names written with escapes, numbers with an exponent (when skipped) or a
/// fraction (when read as integers), nesting deeper than `JSONParser.maximumDepth`. Like the
/// parser, it refuses a member name written twice in one object, invalid UTF-8, a lone
/// surrogate and unescaped control characters.
///
/// Reading a chunk such as `{"choices":[{"delta":{"content":"Hi"}}]}` this way costs a pass
/// over its bytes and one `String` for the text; the tree costs a dictionary per object.
public struct JSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// The names of the open objects' members so far, innermost last, for the duplicate check.
    private var names: [Range<Int>] = []
    /// Where a string with escapes is decoded.
    private var scratch: [UInt8] = []

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Runs `read` on a scanner over `bytes` (one JSON document; a leading byte order mark is
    /// skipped), which keeps what it reads in its own variables; returns `false` when `read`
    /// declined (returned `false`) or when anything but whitespace follows the value it read.
    ///
    /// Not generic on purpose: a generic entry point called from another module is not
    /// specialised, and looking up its result type's metadata on every call cost as much as
    /// the scan of a streamed chunk.
    public static func scan(_ bytes: UnsafeRawBufferPointer, _ read: (inout JSONScanner) -> Bool) -> Bool {
        var scanner = JSONScanner(bytes: bytes.bindMemory(to: UInt8.self))
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { scanner.index = 3 }
        guard read(&scanner) else { return false }
        scanner.skipWhitespace()
        return scanner.index == scanner.bytes.count
    }

    // MARK: Structure

    /// Reads an object: calls `member` with each member's name, the scanner standing at its
    /// value, which `member` must read (or `skip()`) before returning `true`; `false` declines.
    public mutating func object(_ member: (JSONName, inout JSONScanner) -> Bool) -> Bool {
        skipWhitespace()
        guard next(is: "{"), enter() else { return false }
        let namesStart = names.count
        defer { names.removeSubrange(namesStart...) }
        skipWhitespace()
        if next(is: "}") { return leave() }
        while true {
            skipWhitespace()
            guard let name = readName(), !names[namesStart...].contains(where: { sameName($0, name) }) else { return false }
            names.append(name)
            skipWhitespace()
            guard next(is: ":") else { return false }
            guard member(JSONName(bytes: UnsafeBufferPointer(rebasing: bytes[name])), &self) else { return false }
            skipWhitespace()
            if next(is: ",") { continue }
            return next(is: "}") && leave()
        }
    }

    /// Reads an array: calls `element` with the scanner standing at each element, which it
    /// must read (or `skip()`) before returning `true`; `false` declines.
    public mutating func array(_ element: (inout JSONScanner) -> Bool) -> Bool {
        skipWhitespace()
        guard next(is: "["), enter() else { return false }
        skipWhitespace()
        if next(is: "]") { return leave() }
        while true {
            guard element(&self) else { return false }
            skipWhitespace()
            if next(is: ",") { continue }
            return next(is: "]") && leave()
        }
    }

    // MARK: Values

    /// Consumes a `null` and returns `true`, or leaves the scanner where it is and returns
    /// `false` when the next value is something else.
    public mutating func null() -> Bool {
        skipWhitespace()
        return literal("null")
    }

    /// Reads a string value; at another value it returns `nil` and stays where it was.
    public mutating func string() -> String? {
        skipWhitespace()
        let start = index
        guard let string = readString() else {
            index = start
            return nil
        }
        return string
    }

    /// Reads a number written as an integer (`-12`, no fraction or exponent) that fits
    /// `Int64`; at another value it returns `nil` and stays where it was.
    public mutating func integer() -> Int64? {
        skipWhitespace()
        let start = index
        guard let integer = readInteger() else {
            index = start
            return nil
        }
        return integer
    }

    private mutating func readString() -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(validating: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard unescape() else { return nil }
            case 0..<0x20:
                return nil
            default:
                scratch.append(byte)
                index += 1
            }
        }
        return nil
    }

    private mutating func readInteger() -> Int64? {
        var negative = false
        if next(is: "-") { negative = true }
        guard index < bytes.count, isDigit(bytes[index]) else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { return nil }
            return followsNumber() ? 0 : nil
        }
        // A negative magnitude, so that Int64.min fits.
        var magnitude: Int64 = 0
        while index < bytes.count, isDigit(bytes[index]) {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.subtractingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            magnitude = sum
            index += 1
        }
        guard followsNumber() else { return nil }
        if negative { return magnitude }
        return magnitude == .min ? nil : -magnitude
    }

    /// Reads `true` or `false`; at another value it returns `nil` and stays where it was.
    public mutating func bool() -> Bool? {
        skipWhitespace()
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// Reads the next value, whatever it is, and keeps nothing; `false` declines.
    public mutating func skip() -> Bool {
        skipWhitespace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object { _, scanner in scanner.skip() }
        case UInt8(ascii: "["): return array { $0.skip() }
        case UInt8(ascii: "\""): return skipString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return skipNumber()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return false
        }
    }

    // MARK: Pieces

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func next(is character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    private mutating func enter() -> Bool {
        depth += 1
        return depth <= JSONParser.maximumDepth
    }

    private mutating func leave() -> Bool {
        depth -= 1
        return true
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Whether the integer just read ends here, rather than going on as a fraction or exponent.
    private func followsNumber() -> Bool {
        guard index < bytes.count else { return true }
        let byte = bytes[index]
        return byte != UInt8(ascii: ".") && byte != UInt8(ascii: "e") && byte != UInt8(ascii: "E")
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count,
            UnsafeBufferPointer(rebasing: bytes[index..<index + count]).elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
        else { return false }
        index += count
        return true
    }

    /// A member name without escapes, as the range of its bytes between the quotes.
    private mutating func readName() -> Range<Int>? {
        guard next(is: "\"") else { return nil }
        let start = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let range = start..<index
                index += 1
                if !ascii, String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) == nil { return nil }
                return range
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        return nil
    }

    private func sameName(_ one: Range<Int>, _ other: Range<Int>) -> Bool {
        one.count == other.count && UnsafeBufferPointer(rebasing: bytes[one]).elementsEqual(UnsafeBufferPointer(rebasing: bytes[other]))
    }

    /// Skips a string, validating it without making a `String` when it is plain ASCII.
    private mutating func skipString() -> Bool {
        let start = index
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return true
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            index += 1
        }
        index = start
        return readString() != nil
    }

    /// Skips a number; declines one with an exponent, which could be out of a double's range
    /// (the parser refuses `1e400`), and one too long to be in it.
    private mutating func skipNumber() -> Bool {
        let start = index
        _ = next(is: "-")
        guard index < bytes.count, isDigit(bytes[index]) else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { return false }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if next(is: ".") {
            guard index < bytes.count, isDigit(bytes[index]) else { return false }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        guard index >= bytes.count || (bytes[index] != UInt8(ascii: "e") && bytes[index] != UInt8(ascii: "E")) else { return false }
        return index - start <= 300
    }

    /// Decodes the escape at `index` into `scratch`.
    private mutating func unescape() -> Bool {
        guard index + 1 < bytes.count else { return false }
        let escape = bytes[index + 1]
        index += 2
        if let byte = JSONEscape.byte(after: escape) {
            scratch.append(byte)
            return true
        }
        switch escape {
        case UInt8(ascii: "u"):
            guard var value = hex4() else { return false }
            if JSONEscape.isHighSurrogate(value) {
                guard next(is: "\\"), next(is: "u"), let low = hex4(), JSONEscape.isLowSurrogate(low) else { return false }
                value = JSONEscape.pair(high: value, low: low)
            } else if JSONEscape.isLowSurrogate(value) {
                return false
            }
            guard let scalar = Unicode.Scalar(value), let encoded = UTF8.encode(scalar) else { return false }
            scratch.append(contentsOf: encoded)
        default:
            return false
        }
        return true
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

/// A member name as `JSONScanner` read it: its UTF-8 bytes, valid only inside the member's
/// closure.
public struct JSONName {
    fileprivate let bytes: UnsafeBufferPointer<UInt8>

    /// Whether the name is `name`, compared by code points (byte for byte).
    public static func == (name: JSONName, text: StaticString) -> Bool {
        name.bytes.count == text.utf8CodeUnitCount
            && name.bytes.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// The name as a string.
    public var string: String {
        String(decoding: bytes, as: UTF8.self)
    }
}
