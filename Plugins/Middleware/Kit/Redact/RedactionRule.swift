import Foundation

/// One pattern of secret or personal data to mask.
struct RedactionRule: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable once made and documented as thread-safe.

    /// The set it belongs to (`emails`, or a custom name); shown in counts and `{name}`.
    let name: String
    /// What to find.
    let expression: NSRegularExpression
    /// A check a match must also pass (the Luhn checksum for card numbers).
    let accepts: @Sendable (Substring) -> Bool

    init(name: String, pattern: String, accepts: @escaping @Sendable (Substring) -> Bool = { _ in true }) throws {
        self.name = name
        self.expression = try NSRegularExpression(pattern: pattern)
        self.accepts = accepts
    }
}

/// The built-in pattern sets.
enum BuiltInRedactions {
    /// Every set's name, in the order they are applied.
    static let names = ["api-keys", "emails", "credit-cards", "ipv4"]

    /// The rules of the set `name`, or `nil` for an unknown name.
    static func rules(named name: String) -> [RedactionRule]? {
        // The patterns are constants checked by the tests; `try!` cannot fail at run time.
        switch name {
        case "api-keys":
            return [
                // OpenAI and Anthropic style secret keys: sk-…, sk-proj-…, sk-ant-api03-….
                try! RedactionRule(name: name, pattern: #"\bsk-[A-Za-z0-9_-]{16,}"#),
                // AWS access key ids (long-term and temporary).
                try! RedactionRule(name: name, pattern: #"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#),
                // HTTP bearer tokens (RFC 6750 token68).
                try! RedactionRule(name: name, pattern: #"\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*"#),
            ]
        case "emails":
            return [try! RedactionRule(name: name, pattern: #"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"#)]
        case "credit-cards":
            // 13 to 19 digits, optionally grouped by spaces or dashes, that pass the Luhn check.
            return [try! RedactionRule(name: name, pattern: #"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])"#, accepts: Luhn.isValid)]
        case "ipv4":
            let octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
            return [try! RedactionRule(name: name, pattern: "(?<![0-9.])(?:\(octet)\\.){3}\(octet)(?![0-9]|\\.[0-9])")]
        default:
            return nil
        }
    }
}

/// The Luhn checksum of payment card numbers.
enum Luhn {
    /// Whether the digits of `text` (spaces and dashes ignored) are 13 to 19 and pass the check.
    static func isValid(_ text: Substring) -> Bool {
        let digits = text.compactMap(\.wholeNumberValue)
        guard (13...19).contains(digits.count) else { return false }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}
