/// JSON text that could not be parsed: where (line, column, byte offset) and what is wrong.
///
/// `invalid JSON at line 3, column 9 (byte 41): duplicate key "model" at $.model (first at line 2, column 3); …`
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line.
    public let line: Int
    /// 1-based column, counted in Unicode scalars.
    public let column: Int
    /// 0-based byte offset into the text.
    public let offset: Int
    /// What is wrong and, where it helps, what to write instead.
    public let problem: String

    /// Makes an error.
    public init(line: Int, column: Int, offset: Int, problem: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.problem = problem
    }

    public var description: String {
        "invalid JSON at line \(line), column \(column) (byte \(offset)): \(problem)"
    }
}
