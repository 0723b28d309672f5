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
    /// - Parameters:
    ///   - settings: the hub's settings (capacity, and for a broker its redelivery settings).
    ///   - role: what this process does in a run spread over several.
    ///   - logger: where a transport reports trouble that does not stop the run.
    public func makeTransport(
        graph: String, run: String, settings: HubSettings = HubSettings(), role: GraphPlacement.Role = .coordinator,
        logger: Logger? = nil
    ) throws -> any HubTransport {
        switch self {
        case .inProcess:
            return InProcessTransport()
        case .nats(let url):
            let runSettings = JetStreamRunSettings(
                capacity: settings.capacity, ackWait: .milliseconds(Int64((settings.ackWaitSeconds * 1000).rounded(.up))),
                maxDeliver: settings.maxDeliver)
            return try JetStreamTransport(
                server: NATSServerURL(url), subjects: NATSSubjects(graph: graph, run: run),
                role: role == .coordinator ? .coordinator : .worker, settings: runSettings, logger: logger)
        }
    }

    /// Whether the transport keeps messages until a node has finished them, and gives them to
    /// another instance otherwise (so outputs need ids that do not change when redone).
    public var redelivers: Bool {
        if case .nats = self { return true }
        return false
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
