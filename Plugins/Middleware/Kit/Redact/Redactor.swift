import Foundation
import Manifold
import ManifoldJSON

/// Masks every match of its rules in text, JSON and artifacts, counting matches per rule.
struct Redactor: Sendable {
    /// The rules, applied in order.
    let rules: [RedactionRule]
    /// The replacement; `{name}` stands for the rule's name.
    let replacement: String
    /// Whether metadata values are masked too.
    let coversMetadata: Bool

    /// Matches masked, by rule name.
    typealias Counts = [String: Int]

    /// `text` with every match masked.
    func redact(_ text: String, counting counts: inout Counts) -> String {
        var result = text
        for rule in rules {
            let matches = rule.expression.matches(in: result, range: NSRange(result.startIndex..., in: result))
            for match in matches.reversed() {
                guard let range = Range(match.range, in: result), rule.accepts(result[range]) else { continue }
                result.replaceSubrange(range, with: replacement.replacingOccurrences(of: "{name}", with: rule.name))
                counts[rule.name, default: 0] += 1
            }
        }
        return result
    }

    /// `artifact` with its payload and (when covered) metadata values masked.
    ///
    /// A `text/*` payload is masked as text. Another payload that is a JSON object or array is
    /// masked value by value (strings, and numbers that match, which become strings), so it
    /// stays valid JSON; other UTF-8 payloads are masked as text; binary payloads are left alone.
    func redact(_ artifact: Artifact, counting counts: inout Counts) -> Artifact {
        var result = artifact
        if let text = String(data: artifact.payload, encoding: .utf8) {
            var found: Counts = [:]
            let masked = redact(text, counting: &found)
            if !found.isEmpty {
                if artifact.type.type != "text", let json = Self.structuredJSON(text) {
                    found = [:]
                    result.payload = redact(json, counting: &found).serialized()
                } else {
                    result.payload = Data(masked.utf8)
                }
                counts.merge(found, uniquingKeysWith: +)
            }
        }
        if coversMetadata {
            for (key, value) in artifact.metadata {
                result.metadata[key] = redact(value, counting: &counts)
            }
        }
        return result
    }

    /// `value` with every string (and matching number) masked; object keys are kept.
    func redact(_ value: JSONValue, counting counts: inout Counts) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(redact(text, counting: &counts))
        case .integer(let number):
            let text = String(number)
            let masked = redact(text, counting: &counts)
            return masked == text ? value : .string(masked)
        case .array(let items):
            return .array(items.map { redact($0, counting: &counts) })
        case .object(let members):
            return .object(members.mapValues { redact($0, counting: &counts) })
        case .null, .bool, .number:
            return value
        }
    }

    /// The text as JSON when it is an object or array.
    private static func structuredJSON(_ text: String) -> JSONValue? {
        guard let first = text.first(where: { !$0.isWhitespace }), first == "{" || first == "[" else { return nil }
        return try? JSONValue(parsing: text)
    }
}
