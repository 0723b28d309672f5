/// One way a JSON value fails a schema: where, which keyword, and what is wrong in words.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// Where in the validated value, in JSONPath notation: `$` is the value itself,
    /// `$.temperature` a member, `$.items[0]` an element.
    public let path: String
    /// The schema keyword that failed: `type`, `required`, `additionalProperties`, `anyOf`, …
    public let keyword: String
    /// What is wrong, e.g. `expected number, got string "hot"`.
    public let message: String

    /// Makes a violation.
    public init(path: String, keyword: String, message: String) {
        self.path = path
        self.keyword = keyword
        self.message = message
    }

    /// `$.temperature: expected number, got string "hot"`.
    public var description: String { "\(path): \(message)" }
}
