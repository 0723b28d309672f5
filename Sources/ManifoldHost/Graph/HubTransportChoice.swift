import Foundation
import Logging
import Manifold
import ManifoldManifest
import ManifoldNATS

extension HubSettings.Transport {
    /// A new transport of this kind for the hub of run `run` of graph `graph`.
    ///
    /// The manifest parser knows the names; this is where each meets its implementation, so a
    /// new transport is one case here and one in `HubSettings.Transport`.
    ///
    /// - Throws: `NATSError` when a NATS server's URL is malformed or the server cannot be
    ///   reached; `NATSSubjectsError` when the graph name or run id cannot be in a subject.
    /// - Parameter logger: where a transport reports trouble that does not stop the run.
    public func makeTransport(graph: String, run: String, logger: Logger? = nil) throws -> any HubTransport {
        switch self {
        case .inProcess: InProcessTransport()
        case .nats(let url): try NATSTransport(server: NATSServerURL(url), subjects: NATSSubjects(graph: graph, run: run), logger: logger)
        }
    }
}

extension HubOptions {
    /// The options a graph manifest's `hub` section describes, with `transport`.
    public init(_ settings: HubSettings, transport: any HubTransport) {
        self.init(capacity: settings.capacity, policy: settings.policy, transport: transport)
    }
}

/// Run ids: what tells one run of a graph from another (on a NATS server, the subjects of its
/// topics).
public enum RunID {
    /// A new run id: 12 random hexadecimal digits.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
