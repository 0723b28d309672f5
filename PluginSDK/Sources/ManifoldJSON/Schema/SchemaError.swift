/// A schema that cannot be used: every problem found in it, each with its place in the schema.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One thing wrong with a schema.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// Where in the schema document, e.g. `$.properties.temperature.type`.
        public let path: String
        /// What is wrong and, where possible, what to write instead.
        public let message: String

        /// Makes a problem.
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        /// `$.properties.temperature.type: unknown type "strng"; …`.
        public var description: String { "\(path): \(message)" }
    }

    /// The problems, in the order they were found.
    public let problems: [Problem]

    /// Makes an error from its problems.
    public init(problems: [Problem]) {
        self.problems = problems
    }

    /// One line per problem, prefixed with `invalid JSON Schema: `.
    public var description: String {
        problems.map { "invalid JSON Schema: \($0)" }.joined(separator: "\n")
    }
}
