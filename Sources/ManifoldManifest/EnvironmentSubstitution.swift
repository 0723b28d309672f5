import ManifoldJSON

/// A `${NAME}` reference in a node or middleware config.
public struct EnvironmentReference: Sendable, Hashable {
    /// The variable's name.
    public let name: String
    /// The JSON path of the string that holds the reference.
    public let path: String
    /// Whether it has a default (`${NAME:-default}`), so that an unset variable is no error.
    public let hasDefault: Bool
}

/// The `${…}` syntax of config strings:
/// - `${NAME}` is the value of environment variable NAME (`[A-Za-z_][A-Za-z0-9_]*`);
/// - `${NAME:-default}` is its value, or `default` when it is unset or empty (as in sh);
/// - `$${` is a literal `${`; any other `$` is itself.
///
/// Substituted text is never scanned again, so a value holding `${…}` stays as it is.
enum EnvironmentTemplate {
    /// A piece of a parsed string.
    enum Piece: Equatable {
        case literal(String)
        case variable(name: String, fallback: String?)
    }

    /// A malformed reference; the message quotes only the manifest's own text.
    struct SyntaxError: Error {
        let message: String
        let fix: String
    }

    /// Splits a string into literal text and references.
    static func parse(_ text: String) throws(SyntaxError) -> [Piece] {
        guard text.contains("$") else { return [.literal(text)] }
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            literal += rest[..<dollar]
            rest = rest[dollar...]
            if rest.hasPrefix("$${") {
                literal += "${"
                rest = rest.dropFirst(3)
            } else if rest.hasPrefix("${") {
                guard let close = rest.firstIndex(of: "}") else {
                    throw SyntaxError(
                        message: "unterminated \"${\" in \(JSONValue.string(text).shortLiteral)",
                        fix: "close it with '}', or write $${ for a literal ${")
                }
                let body = rest[rest.index(rest.startIndex, offsetBy: 2)..<close]
                let name: Substring
                var fallback: String?
                if let separator = body.range(of: ":-") {
                    name = body[..<separator.lowerBound]
                    fallback = String(body[separator.upperBound...])
                } else {
                    name = body
                }
                guard isValidName(name) else {
                    throw SyntaxError(
                        message: "invalid environment variable name \(JSONValue.string(String(name)).shortLiteral) in \"${\(body)}\"",
                        fix: "use ${NAME} or ${NAME:-default} with NAME made of letters, digits and '_' (not starting with a digit), or $${ for a literal ${")
                }
                if !literal.isEmpty {
                    pieces.append(.literal(literal))
                    literal = ""
                }
                pieces.append(.variable(name: String(name), fallback: fallback))
                rest = rest[rest.index(after: close)...]
            } else {
                literal += "$"
                rest = rest.dropFirst()
            }
        }
        literal += rest
        if !literal.isEmpty || pieces.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

/// Walks config values to find or substitute `${…}` references.
enum EnvironmentSubstitution {
    /// Every reference in `value`; malformed ones are reported to `context`.
    static func references(in value: JSONValue, at path: String, context: ManifestContext) -> [EnvironmentReference] {
        switch value {
        case .string(let text):
            do {
                return try EnvironmentTemplate.parse(text).compactMap { piece in
                    guard case .variable(let name, let fallback) = piece else { return nil }
                    return EnvironmentReference(name: name, path: path, hasDefault: fallback != nil)
                }
            } catch {
                context.error(path, error.message, fix: error.fix)
                return []
            }
        case .array(let items):
            return items.enumerated().flatMap { references(in: $1, at: JSONPath.appending(index: $0, to: path), context: context) }
        case .object(let members):
            return members.keys.sorted().flatMap { references(in: members[$0]!, at: JSONPath.appending($0, to: path), context: context) }
        default:
            return []
        }
    }

    /// What substitution did besides producing a value.
    struct Outcome {
        /// Paths of strings that held a reference.
        var substitutedPaths: Set<String> = []
        /// Unset variables without a default, with the path of each use.
        var missing: [(name: String, path: String)] = []
    }

    /// `value` with every reference replaced. An unset variable without a default becomes
    /// `placeholder` when one is given, and is listed in `outcome.missing` in any case.
    static func substitute(
        in value: JSONValue, at path: String, environment: [String: String], placeholder: String?, outcome: inout Outcome
    ) -> JSONValue {
        switch value {
        case .string(let text):
            guard text.contains("$"), let pieces = try? EnvironmentTemplate.parse(text) else { return value }
            var result = ""
            var substituted = false
            for piece in pieces {
                switch piece {
                case .literal(let literal):
                    result += literal
                case .variable(let name, let fallback):
                    substituted = true
                    if let found = environment[name], !(found.isEmpty && fallback != nil) {
                        result += found
                    } else if let fallback {
                        result += fallback
                    } else {
                        outcome.missing.append((name, path))
                        result += placeholder ?? ""
                    }
                }
            }
            if substituted { outcome.substitutedPaths.insert(path) }
            return .string(result)
        case .array(let items):
            return .array(items.enumerated().map {
                substitute(in: $1, at: JSONPath.appending(index: $0, to: path), environment: environment, placeholder: placeholder, outcome: &outcome)
            })
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for key in members.keys.sorted() {
                result[key] = substitute(
                    in: members[key]!, at: JSONPath.appending(key, to: path), environment: environment, placeholder: placeholder, outcome: &outcome)
            }
            return .object(result)
        default:
            return value
        }
    }

    /// `value` with the strings at `paths` replaced by `"***"`.
    static func redact(_ value: JSONValue, at path: String, paths: Set<String>) -> JSONValue {
        if paths.contains(path) { return .string("***") }
        switch value {
        case .array(let items):
            return .array(items.enumerated().map { redact($1, at: JSONPath.appending(index: $0, to: path), paths: paths) })
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members { result[key] = redact(member, at: JSONPath.appending(key, to: path), paths: paths) }
            return .object(result)
        default:
            return value
        }
    }
}
