import Foundation

/// Translates a JSON Schema `pattern` (an ECMA-262 regular expression, in Unicode mode) to
/// the ICU syntax of `NSRegularExpression`, so it matches what a JavaScript or Python
/// validator matches, and refuses what ECMA-262 does not have.
///
/// Where ICU and ECMA-262 differ, the translation writes out the ECMA meaning:
/// - `$` is the end of the string (`\z`): ICU's `$` also matches before a final line break,
///   so `^[a-z]+$` would accept `"abc\n"`;
/// - `.` excludes the line terminators `\n`, `\r`, U+2028 and U+2029;
/// - `\d`, `\w`, `\b` are ASCII (`[0-9]`, `[A-Za-z0-9_]`), `\s` is ECMA-262's white space and
///   line terminator set: ICU's are Unicode-wide (`\d` matches `"٣"`);
/// - inside a class, `[` and `&` are plain characters (ICU reads nested sets and `&&`),
///   `[]` matches nothing and `[^]` anything;
/// - `\v` is the vertical tab, `\cX` a control character, `\0` NUL.
///
/// Refused, with what to write instead: escapes ECMA-262 does not have (`\A`, `\Z`, `\z`,
/// `\G`, `\Q`…`\E`, `\h`, `\R`, `\X`, `\K`, …), possessive quantifiers (`a*+`), atomic groups
/// `(?>…)`, inline flags `(?i)`, comments `(?#…)`, and any other `(?` group. Lookbehind is
/// passed to ICU, which refuses an unbounded one.
enum ECMARegex {
    /// Why a pattern cannot be used, in words, with what to write instead.
    struct Refusal: Error {
        let message: String
    }

    static let lineTerminators = "\\n\\r\\x{2028}\\x{2029}"
    static let wordSet = "A-Za-z0-9_"
    static let digitSet = "0-9"
    /// ECMA-262 WhiteSpace and LineTerminator.
    static let spaceSet = "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"

    /// The ICU pattern with the meaning of `source` under ECMA-262.
    static func translate(_ source: String) -> Result<String, Refusal> {
        var translator = Translator(scalars: Array(source.unicodeScalars))
        do throws(Refusal) {
            return .success(try translator.run())
        } catch {
            return .failure(error)
        }
    }
}

private struct Translator {
    let scalars: [Unicode.Scalar]
    var index = 0
    var output = ""

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    mutating func run() throws(ECMARegex.Refusal) -> String {
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\\": output += try escape(inClass: false)
            case ".": output += "[^\(ECMARegex.lineTerminators)]"
            case "$": output += "\\z"
            case "[": output += try characterClass()
            case "(": output += try group()
            case "*", "+", "?":
                output.unicodeScalars.append(scalar)
                try quantifierSuffix()
            case "{":
                if let quantifier = braceQuantifier() {
                    output += quantifier
                    try quantifierSuffix()
                } else {
                    output += "\\{"
                }
            case "}", "]": output += "\\" + String(scalar)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// After a quantifier: an optional `?` (lazy) is ECMA-262; a `+` (possessive) is not.
    private mutating func quantifierSuffix() throws(ECMARegex.Refusal) {
        guard index < scalars.count else { return }
        if scalars[index] == "?" {
            output += "?"
            index += 1
        }
        if index < scalars.count, scalars[index] == "+" {
            throw refusal("a possessive quantifier (a quantifier followed by '+') is not ECMA-262; drop the '+'")
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor (just after `{`), consumed; `nil` leaves a literal `{`.
    private mutating func braceQuantifier() -> String? {
        var cursor = index
        var text = "{"
        var digits = 0
        while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) {
            text.unicodeScalars.append(scalars[cursor])
            cursor += 1
            digits += 1
        }
        guard digits > 0, cursor < scalars.count else { return nil }
        if scalars[cursor] == "," {
            text += ","
            cursor += 1
            while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) {
                text.unicodeScalars.append(scalars[cursor])
                cursor += 1
            }
        }
        guard cursor < scalars.count, scalars[cursor] == "}" else { return nil }
        index = cursor + 1
        return text + "}"
    }

    private mutating func group() throws(ECMARegex.Refusal) -> String {
        guard index < scalars.count, scalars[index] == "?" else { return "(" }
        let rest = String(String.UnicodeScalarView(scalars[index..<min(scalars.count, index + 3)]))
        if rest.hasPrefix("?:") || rest.hasPrefix("?=") || rest.hasPrefix("?!") || rest.hasPrefix("?<=") || rest.hasPrefix("?<!") {
            let length = rest.hasPrefix("?<") ? 3 : 2
            index += length
            return "(" + rest.prefix(length)
        }
        if rest.hasPrefix("?<") {
            index += 2
            return "(?<"
        }
        if rest.hasPrefix("?>") {
            throw refusal("an atomic group '(?>…)' is not ECMA-262; write a plain group '(?:…)'")
        }
        if rest.hasPrefix("?#") {
            throw refusal("a comment group '(?#…)' is not ECMA-262; remove it")
        }
        throw refusal(
            "'(\(rest)…' is not ECMA-262: inline flags such as '(?i)' and other '(?' groups are not supported; "
                + "for case-insensitive matching list both cases, e.g. [Aa]")
    }

    private mutating func characterClass() throws(ECMARegex.Refusal) -> String {
        var negated = false
        if index < scalars.count, scalars[index] == "^" {
            negated = true
            index += 1
        }
        var body = ""
        var closed = false
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "]":
                closed = true
            case "\\":
                body += try escape(inClass: true)
            case "-":
                body += "-"
            default:
                body += Self.literal(scalar)
            }
            if closed { break }
        }
        guard closed else { throw refusal("the character class '[' is not closed; add ']'") }
        if body.isEmpty { return negated ? "[\\x{0}-\\x{10FFFF}]" : "(?!)" }
        return "[" + (negated ? "^" : "") + body + "]"
    }

    /// A scalar written so that ICU reads it as itself, inside or outside a class.
    private static func literal(_ scalar: Unicode.Scalar) -> String {
        if scalar.isASCII, !(("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)),
            scalar.value > 0x20, scalar != "-"
        {
            return "\\" + String(scalar)
        }
        return String(scalar)
    }

    /// A set; ICU reads a set nested in a class as a union, so this serves inside one too.
    private static func set(_ members: String, negated: Bool) -> String {
        "[" + (negated ? "^" : "") + members + "]"
    }

    private mutating func escape(inClass: Bool) throws(ECMARegex.Refusal) -> String {
        guard index < scalars.count else { throw refusal("the pattern ends with a lone '\\'; write '\\\\' for a backslash") }
        let scalar = scalars[index]
        index += 1
        switch scalar {
        case "d": return Self.set(ECMARegex.digitSet, negated: false)
        case "D": return Self.set(ECMARegex.digitSet, negated: true)
        case "w": return Self.set(ECMARegex.wordSet, negated: false)
        case "W": return Self.set(ECMARegex.wordSet, negated: true)
        case "s": return Self.set(ECMARegex.spaceSet, negated: false)
        case "S": return Self.set(ECMARegex.spaceSet, negated: true)
        case "b":
            if inClass { return "\\x{08}" }
            let word = "[\(ECMARegex.wordSet)]"
            return "(?:(?<=\(word))(?!\(word))|(?<!\(word))(?=\(word)))"
        case "B":
            if inClass { throw refusal("'\\B' cannot be used inside a character class") }
            let word = "[\(ECMARegex.wordSet)]"
            return "(?:(?<=\(word))(?=\(word))|(?<!\(word))(?!\(word)))"
        case "f", "n", "r", "t": return "\\" + String(scalar)
        case "v": return "\\x{0B}"
        case "0":
            if index < scalars.count, ("0"..."9").contains(scalars[index]) {
                throw refusal("'\\0' followed by a digit (an octal escape) is not allowed in ECMA-262's Unicode mode; write \\x{HH} or \\uHHHH")
            }
            return "\\x{0}"
        case "c":
            guard index < scalars.count, ("a"..."z").contains(scalars[index]) || ("A"..."Z").contains(scalars[index]) else { throw refusal("'\\c' must be followed by a letter (a control character such as \\cJ)") }
            let value = scalars[index].value % 32
            index += 1
            return "\\x{\(String(value, radix: 16))}"
        case "x":
            guard let value = hexDigits(count: 2) else { throw refusal("'\\x' must be followed by two hex digits") }
            return "\\x{\(String(value, radix: 16))}"
        case "u":
            return try unicodeEscape()
        case "p", "P":
            guard index < scalars.count, scalars[index] == "{", let end = scalars[index...].firstIndex(of: "}") else {
                throw refusal("'\\\(scalar)' must be followed by a property in braces, e.g. \\\(scalar){L}")
            }
            let name = String(String.UnicodeScalarView(scalars[index...end]))
            index = end + 1
            return "\\" + String(scalar) + name
        case "k":
            guard index < scalars.count, scalars[index] == "<", let end = scalars[index...].firstIndex(of: ">") else {
                throw refusal("'\\k' must name a group, e.g. \\k<name>")
            }
            let name = String(String.UnicodeScalarView(scalars[index...end]))
            index = end + 1
            return "\\k" + name
        case "1"..."9":
            if inClass { throw refusal("a back reference cannot be used inside a character class") }
            var digits = String(scalar)
            while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                digits.unicodeScalars.append(scalars[index])
                index += 1
            }
            return "\\" + digits
        case "^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/", "-":
            return "\\" + String(scalar)
        case "A": throw refusal("'\\A' is not ECMA-262; write '^' for the start of the string")
        case "Z", "z": throw refusal("'\\\(scalar)' is not ECMA-262; write '$' for the end of the string")
        case "G": throw refusal("'\\G' is not ECMA-262; anchor with '^'")
        case "Q", "E": throw refusal("'\\Q…\\E' quoting is not ECMA-262; escape each special character with '\\'")
        case "h", "H": throw refusal("'\\\(scalar)' is not ECMA-262; write a class such as [ \\t]")
        case "R": throw refusal("'\\R' is not ECMA-262; write (?:\\r\\n|[\\n\\r\\u2028\\u2029])")
        case "X": throw refusal("'\\X' (a grapheme cluster) is not ECMA-262")
        case "K": throw refusal("'\\K' is not ECMA-262; use a lookbehind (?<=…)")
        default:
            throw refusal("'\\\(scalar)' is not an ECMA-262 escape; write the character itself, or escape only ^ $ \\ . * + ? ( ) [ ] { } | /")
        }
    }

    /// `\uHHHH` (a surrogate pair written as two escapes is one scalar) or `\u{H…}`.
    private mutating func unicodeEscape() throws(ECMARegex.Refusal) -> String {
        if index < scalars.count, scalars[index] == "{" {
            guard let end = scalars[index...].firstIndex(of: "}"), end > index + 1,
                let value = UInt32(String(String.UnicodeScalarView(scalars[(index + 1)..<end])), radix: 16), value <= 0x10FFFF
            else { throw refusal("'\\u{…}' must hold a hex code point up to 10FFFF") }
            index = end + 1
            return "\\x{\(String(value, radix: 16))}"
        }
        guard var value = hexDigits(count: 4) else { throw refusal("'\\u' must be followed by four hex digits or {code point}") }
        if (0xD800...0xDBFF).contains(value), index + 1 < scalars.count, scalars[index] == "\\", scalars[index + 1] == "u" {
            let saved = index
            index += 2
            if let low = hexDigits(count: 4), (0xDC00...0xDFFF).contains(low) {
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else {
                index = saved
            }
        }
        if (0xD800...0xDFFF).contains(value) {
            throw refusal("'\\u\(String(value, radix: 16, uppercase: true))' is a lone surrogate, which no JSON string here can hold")
        }
        return "\\x{\(String(value, radix: 16))}"
    }

    private mutating func hexDigits(count: Int) -> UInt32? {
        guard index + count <= scalars.count else { return nil }
        let text = String(String.UnicodeScalarView(scalars[index..<(index + count)]))
        guard text.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit), let value = UInt32(text, radix: 16) else { return nil }
        index += count
        return value
    }

    private func refusal(_ message: String) -> ECMARegex.Refusal {
        ECMARegex.Refusal(message: message)
    }
}
