/// Parses the text of a `CSignature` (see its documentation for the grammar).
///
/// Columns in errors are 1-based and count Unicode scalars, which for the ASCII text of a
/// signature is the character position an editor shows.
struct SignatureParser {
    private let text: String
    private let scalars: [Unicode.Scalar]
    private let tokens: [Token]
    private var index = 0

    init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
        self.tokens = Token.tokenize(scalars)
    }

    // MARK: Signature

    mutating func parse() throws(ForeignCallError) -> CSignature {
        if case .end = peek.kind {
            throw error(at: peek, "empty signature: expected a return type such as 'double'", hint: Self.knownTypesHint)
        }
        let returned = try parseType(role: "a return type")
        if returned.type == .pointer {
            throw error(
                at: returned.start,
                "return type '\(returned.spelling)' (an opaque pointer) is not supported",
                hint: "a JSON caller can do nothing with an address; declare the return type as 'void' to ignore it, or as 'const char*' if it points to a string"
            )
        }
        var functionName: String?
        if case .identifier(let name) = peek.kind {
            guard !Self.reservedWords.contains(name) else {
                throw error(at: peek, "'\(name)' is a C keyword and cannot be the function name", hint: "write one return type, e.g. 'double(double x)'")
            }
            functionName = name
            advance()
        }
        guard case .openParenthesis = peek.kind else {
            throw error(at: peek, "expected '(' to start the parameter list, found \(peek.kind.quoted)")
        }
        advance()
        let parameters = try parseParameters()
        // parseParameters stops on ')'.
        advance()
        if case .semicolon = peek.kind { advance() }
        guard case .end = peek.kind else {
            throw error(at: peek, "unexpected \(peek.kind.quoted) after the parameter list", hint: "nothing may follow ')'")
        }
        return CSignature(text: text, returnType: returned.type, functionName: functionName, parameters: parameters)
    }

    private mutating func parseParameters() throws(ForeignCallError) -> [CParameter] {
        if case .closeParenthesis = peek.kind { return [] }
        if case .identifier("void") = peek.kind, case .closeParenthesis = token(after: 1).kind {
            advance()
            return []
        }
        var parameters: [CParameter] = []
        var seenNames: [String: Int] = [:]
        while true {
            let number = parameters.count + 1
            if case .ellipsis = peek.kind {
                throw error(at: peek, "variadic functions ('...') are not supported", hint: "declare a fixed parameter list")
            }
            let parsed = try parseType(role: "the type of parameter #\(number)")
            var name: String?
            let nameToken = peek
            if case .identifier(let identifier) = nameToken.kind {
                guard !Self.reservedWords.contains(identifier) else {
                    throw error(
                        at: nameToken,
                        "'\(identifier)' is a C keyword and cannot be the name of parameter #\(number)",
                        hint: "write one type and then a name, e.g. 'double x'"
                    )
                }
                name = identifier
                advance()
            }
            if parsed.type == .void {
                let label = name.map { "parameter '\($0)'" } ?? "parameter #\(number)"
                throw error(
                    at: parsed.start,
                    "\(label) has type 'void'",
                    hint: "void is only allowed as the return type or as '(void)' for an empty parameter list"
                )
            }
            if let name {
                if let first = seenNames[name] {
                    throw error(at: nameToken, "duplicate parameter name '\(name)' (also parameter #\(first))")
                }
                seenNames[name] = number
            }
            if let first = parameters.first, (first.name == nil) != (name == nil) {
                let problem = name == nil
                    ? "parameter #1 ('\(first.name ?? "")') has a name but parameter #\(number) does not"
                    : "parameter #\(number) ('\(name ?? "")') has a name but parameter #1 does not"
                throw error(at: name == nil ? parsed.start : nameToken, problem, hint: "name every parameter or none")
            }
            parameters.append(CParameter(name: name, type: parsed.type))
            switch peek.kind {
            case .comma:
                advance()
            case .closeParenthesis:
                return parameters
            default:
                let after = name.map { "parameter '\($0)'" } ?? "parameter #\(number) (\(parsed.spelling))"
                throw error(at: peek, "expected ',' or ')' after \(after), found \(peek.kind.quoted)")
            }
        }
    }

    // MARK: Types

    private struct ParsedType {
        var type: CType
        var start: Token
        var spelling: String
    }

    /// Parses qualifiers, base type words and `*`s. `role` says what is being parsed, for errors.
    private mutating func parseType(role: String) throws(ForeignCallError) -> ParsedType {
        let start = peek
        guard case .identifier = start.kind else {
            throw error(at: start, "expected \(role), found \(start.kind.quoted)", hint: Self.knownTypesHint)
        }
        var named: (type: CType, word: String)?
        var integerWords: [String] = []
        var last = start
        while case .identifier(let word) = peek.kind {
            if word == "const" || word == "volatile" {
                // Qualifiers do not change how a value is passed.
            } else if Self.integerKeywords.contains(word), named == nil {
                integerWords.append(word)
            } else if named == nil, integerWords.isEmpty {
                guard let type = Self.namedTypes[word] else {
                    throw error(at: peek, "unknown type '\(word)'", hint: Self.knownTypesHint)
                }
                named = (type, word)
            } else {
                break  // The parameter or function name.
            }
            last = peek
            advance()
        }
        if named == nil, integerWords.isEmpty {
            // Only qualifiers: whatever follows is not a type.
            throw error(at: peek, "expected \(role) after '\(spelling(from: start, to: last))', found \(peek.kind.quoted)", hint: Self.knownTypesHint)
        }
        var pointerDepth = 0
        while true {
            if case .star = peek.kind {
                pointerDepth += 1
            } else if pointerDepth > 0, case .identifier("const") = peek.kind {
                // `char * const p`
            } else {
                break
            }
            last = peek
            advance()
        }
        let spelling = spelling(from: start, to: last)
        let base: CType
        if let named {
            base = named.type
        } else {
            guard let integer = Self.integerType(integerWords) else {
                throw error(at: start, "invalid type '\(spelling)'", hint: "combine C integer keywords as in C, e.g. 'unsigned long long' or 'short int'")
            }
            base = integer
        }
        guard pointerDepth > 0 else { return ParsedType(type: base, start: start, spelling: spelling) }
        let isPlainChar = integerWords == ["char"]
        if pointerDepth == 1, isPlainChar { return ParsedType(type: .string, start: start, spelling: spelling) }
        if pointerDepth == 1, named?.type == .void { return ParsedType(type: .pointer, start: start, spelling: spelling) }
        throw error(
            at: start,
            "unsupported pointer type '\(spelling)'",
            hint: "only 'const char*' (a string) and 'void*' (an opaque pointer that accepts null only) are supported"
        )
    }

    /// The integer type named by a combination of C integer keywords, or `nil` when the
    /// combination is not valid C (e.g. `short long`).
    private static func integerType(_ words: [String]) -> CType? {
        func count(_ word: String) -> Int { words.filter { $0 == word }.count }
        let signed = count("signed"), unsigned = count("unsigned")
        let char = count("char"), short = count("short"), int = count("int"), long = count("long")
        guard signed + unsigned <= 1, char <= 1, short <= 1, int <= 1, long <= 2 else { return nil }
        if char == 1 {
            guard short + int + long == 0 else { return nil }
            return unsigned == 1 ? .uint8 : .int8
        }
        if short == 1 {
            guard long == 0 else { return nil }
            return unsigned == 1 ? .uint16 : .int16
        }
        if long > 0 {
            let bits = long == 2 ? 64 : MemoryLayout<CLong>.size * 8
            if bits == 64 { return unsigned == 1 ? .uint64 : .int64 }
            return unsigned == 1 ? .uint32 : .int32
        }
        return unsigned == 1 ? .uint32 : .int32
    }

    private static let integerKeywords: Set<String> = ["signed", "unsigned", "char", "short", "int", "long"]

    /// C keywords that can never be a parameter or function name.
    private static let reservedWords: Set<String> = integerKeywords.union([
        "const", "volatile", "void", "float", "double", "_Bool", "struct", "union", "enum",
    ])

    private static let wordIs64Bit = MemoryLayout<Int>.size == 8

    /// Single-word type names.
    private static let namedTypes: [String: CType] = [
        "void": .void, "bool": .bool, "_Bool": .bool,
        "int8": .int8, "int16": .int16, "int32": .int32, "int64": .int64,
        "uint8": .uint8, "uint16": .uint16, "uint32": .uint32, "uint64": .uint64,
        "int8_t": .int8, "int16_t": .int16, "int32_t": .int32, "int64_t": .int64,
        "uint8_t": .uint8, "uint16_t": .uint16, "uint32_t": .uint32, "uint64_t": .uint64,
        "size_t": wordIs64Bit ? .uint64 : .uint32, "uintptr_t": wordIs64Bit ? .uint64 : .uint32,
        "ssize_t": wordIs64Bit ? .int64 : .int32, "intptr_t": wordIs64Bit ? .int64 : .int32,
        "ptrdiff_t": wordIs64Bit ? .int64 : .int32,
        "float": .float, "double": .double, "string": .string, "ptr": .pointer,
    ]

    static let knownTypesHint = "known types: void, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, "
        + "float, double, string, ptr, and the C spellings char, short, int, long, long long, signed/unsigned variants, "
        + "intN_t, uintN_t, size_t, ssize_t, intptr_t, uintptr_t, ptrdiff_t, _Bool, const char* (string), void* (ptr)"

    // MARK: Tokens

    private var peek: Token { tokens[index] }

    private func token(after offset: Int) -> Token {
        tokens[min(index + offset, tokens.count - 1)]
    }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private func spelling(from first: Token, to last: Token) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[first.offset..<(last.offset + last.length)])
        return String(result)
    }

    private func error(at token: Token, _ problem: String, hint: String? = nil) -> ForeignCallError {
        if case .invalid(let scalar) = token.kind {
            return .invalidSignature(
                signature: text, column: token.offset + 1,
                problem: "unexpected character '\(scalar)'", hint: "a signature looks like 'double(double x, double y)'"
            )
        }
        return .invalidSignature(signature: text, column: token.offset + 1, problem: problem, hint: hint)
    }
}

/// A lexical token of a signature.
private struct Token {
    enum Kind: Equatable {
        case identifier(String)
        case star, openParenthesis, closeParenthesis, comma, semicolon, ellipsis
        case invalid(Unicode.Scalar)
        case end

        /// The token as quoted in messages.
        var quoted: String {
            switch self {
            case .identifier(let word): return "'\(word)'"
            case .star: return "'*'"
            case .openParenthesis: return "'('"
            case .closeParenthesis: return "')'"
            case .comma: return "','"
            case .semicolon: return "';'"
            case .ellipsis: return "'...'"
            case .invalid(let scalar): return "'\(scalar)'"
            case .end: return "the end of the signature"
            }
        }
    }

    var kind: Kind
    /// Index of the first scalar (0-based).
    var offset: Int
    var length: Int

    /// Splits `scalars` into tokens; the last token is always `.end`.
    static func tokenize(_ scalars: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        func isIdentifierStart(_ s: Unicode.Scalar) -> Bool { s == "_" || (s.isASCII && s.properties.isAlphabetic) }
        func isIdentifierPart(_ s: Unicode.Scalar) -> Bool { isIdentifierStart(s) || ("0"..."9").contains(s) }
        while i < scalars.count {
            let scalar = scalars[i]
            if scalar.properties.isWhitespace {
                i += 1
                continue
            }
            if isIdentifierStart(scalar) {
                var end = i + 1
                while end < scalars.count, isIdentifierPart(scalars[end]) { end += 1 }
                var word = String.UnicodeScalarView()
                word.append(contentsOf: scalars[i..<end])
                tokens.append(Token(kind: .identifier(String(word)), offset: i, length: end - i))
                i = end
                continue
            }
            let single: Kind? =
                switch scalar {
                case "*": .star
                case "(": .openParenthesis
                case ")": .closeParenthesis
                case ",": .comma
                case ";": .semicolon
                default: nil
                }
            if let single {
                tokens.append(Token(kind: single, offset: i, length: 1))
                i += 1
            } else if scalar == ".", i + 2 < scalars.count, scalars[i + 1] == ".", scalars[i + 2] == "." {
                tokens.append(Token(kind: .ellipsis, offset: i, length: 3))
                i += 3
            } else {
                tokens.append(Token(kind: .invalid(scalar), offset: i, length: 1))
                i += 1
            }
        }
        tokens.append(Token(kind: .end, offset: scalars.count, length: 0))
        return tokens
    }
}
