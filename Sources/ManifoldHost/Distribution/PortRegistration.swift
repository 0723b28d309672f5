import Foundation
import Logging
import Manifold
import ManifoldManifest
import ManifoldNATS

/// What one process of a distributed run wrote to the run's port registry: its nodes (and, for
/// the coordinator, the graph's inputs and outputs), each under a key of its own, removed
/// again when the process leaves the run.
final class PortRegistration: Sendable {
    private let registry: JetStreamKeyValue
    private let keys: [String]
    private let logger: Logger

    /// Registers `ports` in `registry`.
    ///
    /// - Throws: `NATSError` when the server does not store one.
    init(_ ports: [RegisteredPorts], in registry: JetStreamKeyValue, logger: Logger) throws {
        self.registry = registry
        self.logger = logger
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var keys: [String] = []
        for entry in ports {
            let key = NATSRunNames.registryKey([entry.kind.rawValue, entry.name, entry.process.host, String(entry.process.id)])
            try registry.put(Array(try encoder.encode(entry)), at: key)
            keys.append(key)
        }
        self.keys = keys
    }

    /// Everything every process of the run registered so far, this one's included. An entry
    /// this version cannot read (a newer one's) is left out with a warning.
    func everything() throws -> [RegisteredPorts] {
        let decoder = JSONDecoder()
        return try registry.entries().sorted { $0.key < $1.key }.compactMap { key, entry in
            do {
                return try decoder.decode(RegisteredPorts.self, from: Data(entry.value))
            } catch {
                logger.warning("the run's port registry holds \(key), which this version cannot read (\(error)); its types are not checked")
                return nil
            }
        }
    }

    /// Removes this process's entries: it serves none of them any more.
    func withdraw() {
        for key in keys {
            do {
                try registry.delete(key)
            } catch {
                // The coordinator may have deleted the whole bucket already: the run is over.
                logger.debug("\(error)")
            }
        }
    }
}
