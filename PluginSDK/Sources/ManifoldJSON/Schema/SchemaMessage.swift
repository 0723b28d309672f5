/// A message a schema author wrote for Manifold's vendor keywords (`x-manifold-message`,
/// `x-manifold-warning`), with `${0/pointer}` placeholders filled from the value the schema
/// applies to.
///
/// `${0}` is that value itself and `${0/name}` its member `name` (a JSON pointer below it,
/// `~1` for `/` and `~0` for `~` as usual); the leading `0` is the relative JSON pointer's
/// "no levels up", the only level supported. A string is inserted as it is (cut after 60
/// characters), another scalar as JSON, an array or object by its size, an absent member as
/// nothing, and a value from the environment (a redacted path) as `***`.
struct SchemaMessage: Sendable {
    /// A piece of the message.
    enum Part: Sendable {
        case text(String)
        /// The reference tokens below the value, already unescaped; empty for `${0}`.
        case value([String])
    }

    let parts: [Part]

    /// Parses `template`; returns a problem in words when it is not valid.
    static func parse(_ template: String) -> Result<SchemaMessage, TemplateProblem> {
        var parts: [Part] = []
        var rest = Substring(template)
        while let start = rest.range(of: "${") {
            if start.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<start.lowerBound]))) }
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                return .failure(TemplateProblem(message: "\"${\" has no closing \"}\""))
            }
            let reference = rest[start.upperBound..<end]
            guard reference == "0" || reference.hasPrefix("0/") else {
                return .failure(TemplateProblem(
                    message: "placeholder \"${\(reference)}\" is not supported; write ${0} for the value or ${0/name} for its member 'name'"))
            }
            let tokens = reference.dropFirst().split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
            parts.append(.value(tokens))
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return .success(SchemaMessage(parts: parts))
    }

    /// Why a template cannot be used.
    struct TemplateProblem: Error {
        let message: String
    }

    /// The message for `value` at `path`, never quoting a value at one of `redactedPaths`.
    func render(_ value: JSONValue, at path: String, redactedPaths: Set<String>) -> String {
        var text = ""
        for part in parts {
            switch part {
            case .text(let literal):
                text += literal
            case .value(let tokens):
                var current: JSONValue? = value
                var currentPath = path
                for token in tokens {
                    switch current {
                    case .object(let members)?:
                        current = members[token]
                        currentPath = JSONPath.appending(token, to: currentPath)
                    case .array(let items)?:
                        let index = Int(token)
                        current = index.flatMap { items.indices.contains($0) ? items[$0] : nil }
                        currentPath = JSONPath.appending(index: index ?? -1, to: currentPath)
                    default:
                        current = nil
                    }
                }
                guard let current else { continue }
                text += Self.inserted(current, redacted: redactedPaths.contains(currentPath))
            }
        }
        return text
    }

    private static func inserted(_ value: JSONValue, redacted: Bool) -> String {
        if redacted { return "***" }
        switch value {
        case .string(let string):
            return string.unicodeScalars.count > 60 ? String(String.UnicodeScalarView(string.unicodeScalars.prefix(59))) + "…" : string
        case .array, .object:
            return value.messageDescription()
        default:
            return value.jsonText
        }
    }
}
