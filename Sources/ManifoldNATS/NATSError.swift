/// Something went wrong between Manifold and a NATS server: what, with which server (its URL
/// without credentials), and how to fix it.
public struct NATSError: Error, CustomStringConvertible, Sendable {
    /// The server, as `NATSServerURL.redacted` shows it.
    public let server: String
    /// What went wrong, as a clause after the server's name.
    public let problem: String
    /// What to do about it.
    public let fix: String

    public init(server: String, problem: String, fix: String) {
        self.server = server
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "NATS server \(server) \(problem)\n  fix: \(fix)" }
}
