/// Parses the `type/subtype;name=value` grammar (RFC 6838 tokens, RFC 9110 parameters).
struct ArtifactTypeParser {
    private let text: String
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    /// Characters allowed in a type, subtype or parameter token (RFC 9110 `tchar`).
    static func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        case "!", "#", "$", "%", "&", "'", "+", "-", ".", "^", "_", "`", "|", "~": return true
        default: return false
        }
    }

    /// `type/subtype` in lowercase token characters with nothing else, the form nearly
    /// every artifact carries (it crosses the plugin boundary as text twice per artifact):
    /// read straight from the UTF-8 bytes. Anything else — capitals, wildcards, parameters,
    /// spaces, errors — is `nil`, left to the general parser, which gives the same result.
    static func simpleForm(_ text: String) -> ArtifactType? {
        var text = text
        return text.withUTF8 { bytes -> ArtifactType? in
            var slash: Int?
            for index in bytes.indices {
                let byte = bytes[index]
                if byte == UInt8(ascii: "/") {
                    guard slash == nil else { return nil }
                    slash = index
                } else if !isLowercaseTokenByte(byte) {
                    return nil
                }
            }
            guard let slash, slash > 0, slash < bytes.count - 1 else { return nil }
            return ArtifactType(
                validatedType: String(decoding: UnsafeBufferPointer(rebasing: bytes[..<slash]), as: UTF8.self),
                subtype: String(decoding: UnsafeBufferPointer(rebasing: bytes[(slash + 1)...]), as: UTF8.self))
        }
    }

    /// A `tchar` byte that lowercasing leaves as it is; `*` is not one (wildcards take the general path).
    private static func isLowercaseTokenByte(_ byte: UInt8) -> Bool {
        !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) && isTokenScalar(Unicode.Scalar(byte))
    }

    mutating func parse() throws -> ArtifactType {
        skipSpaces()
        guard position < scalars.count else { throw error("is empty", expected: "a type such as text/plain") }
        let type = try token(what: "type")
        guard consume("/") else {
            throw error("has no '/' after '\(type)'", expected: "type/subtype, e.g. \(type)/plain or \(type)/*")
        }
        let subtype = try token(what: "subtype")
        if type == "*" && subtype != "*" {
            throw error("has a wildcard type with a concrete subtype ('*/\(subtype)')", expected: "*/* or TYPE/\(subtype)")
        }
        var parameters: [String: String] = [:]
        skipSpaces()
        while position < scalars.count {
            guard consume(";") else {
                throw error("has an unexpected character", expected: "';' before a parameter, or the end")
            }
            skipSpaces()
            let name = try token(what: "parameter name")
            guard consume("=") else { throw error("has parameter '\(name)' without '='", expected: "\(name)=value") }
            let value = try parameterValue()
            guard parameters[name] == nil else {
                throw error("repeats parameter '\(name)'", expected: "each parameter once")
            }
            parameters[name] = value
            skipSpaces()
        }
        if (type == "*" || subtype == "*") && !parameters.isEmpty {
            throw error("puts parameters on a wildcard", expected: "parameters only on a concrete type")
        }
        return ArtifactType(validatedType: type, subtype: subtype, parameters: parameters)
    }

    private mutating func token(what: String) throws -> String {
        let start = position
        if position < scalars.count, scalars[position] == "*" {
            position += 1
            return "*"
        }
        while position < scalars.count, Self.isTokenScalar(scalars[position]) { position += 1 }
        guard position > start else { throw error("is missing a \(what)", expected: "a \(what) made of letters, digits and !#$%&'+-.^_`|~") }
        return String(String.UnicodeScalarView(scalars[start..<position])).lowercased()
    }

    private mutating func parameterValue() throws -> String {
        guard position < scalars.count else { throw error("ends where a parameter value should be", expected: "a value") }
        guard scalars[position] == "\"" else {
            let start = position
            while position < scalars.count, Self.isTokenScalar(scalars[position]) { position += 1 }
            guard position > start else { throw error("has an empty parameter value", expected: "a value or a \"quoted string\"") }
            return String(String.UnicodeScalarView(scalars[start..<position]))
        }
        position += 1
        var value = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            position += 1
            switch scalar {
            case "\"": return String(value)
            case "\\":
                guard position < scalars.count else { break }
                value.append(scalars[position])
                position += 1
            default: value.append(scalar)
            }
        }
        throw error("has an unterminated quoted string", expected: "a closing '\"'")
    }

    private mutating func consume(_ scalar: Unicode.Scalar) -> Bool {
        guard position < scalars.count, scalars[position] == scalar else { return false }
        position += 1
        return true
    }

    private mutating func skipSpaces() {
        while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" { position += 1 }
    }

    private func error(_ problem: String, expected: String) -> ArtifactTypeError {
        ArtifactTypeError(text: text, column: position + 1, problem: problem, expected: expected)
    }
}

/// A malformed artifact type string.
public struct ArtifactTypeError: Error, CustomStringConvertible, Equatable {
    /// The string as given.
    public let text: String
    /// 1-based column (in Unicode scalars) where the problem was found.
    public let column: Int
    /// What is wrong.
    public let problem: String
    /// What would have been valid there.
    public let expected: String

    public var description: String {
        "artifact type \"\(text)\" \(problem) (column \(column)); expected \(expected)"
    }
}
