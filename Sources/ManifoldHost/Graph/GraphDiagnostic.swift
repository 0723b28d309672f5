/// One problem found in a graph: where (file and JSON path), what, and how to fix it.
public struct GraphDiagnostic: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How bad it is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error, warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
    }

    /// Error or warning.
    public var severity: Severity
    /// The manifest file.
    public var file: String
    /// Where in it, e.g. `$.nodes.coder.subscribe[0]`.
    public var path: String
    /// What is wrong.
    public var message: String
    /// How to fix it, when there is more to say than the message.
    public var fix: String?

    /// Makes a diagnostic.
    public init(_ severity: Severity, file: String, path: String, message: String, fix: String? = nil) {
        self.severity = severity
        self.file = file
        self.path = path
        self.message = message
        self.fix = fix
    }

    /// `file: $.path: error: message (fix: …)`.
    public var description: String {
        "\(file): \(path): \(severity.rawValue): \(message)" + (fix.map { "\n  fix: \($0)" } ?? "")
    }

    public static func < (lhs: GraphDiagnostic, rhs: GraphDiagnostic) -> Bool {
        (lhs.severity, lhs.file, lhs.path, lhs.message) < (rhs.severity, rhs.file, rhs.path, rhs.message)
    }
}
