import Foundation
import Manifold

/// A recorded run read back for resuming it: what was published, what each node settled,
/// which output came from which input, what the graph outputs showed, and each node's last
/// saved state per conversation.
public struct JournalReplay: Sendable {
    /// Every artifact published, in order, each (id and topic) once.
    public private(set) var published: [(artifact: Artifact, topic: String)] = []
    /// The inputs each node settled (done or failed), by node.
    public private(set) var settled: [String: Set<ArtifactID>] = [:]
    /// The node and input each output was emitted for, by output id.
    public private(set) var producers: [String: (node: String, input: ArtifactID)] = [:]
    /// The artifacts each graph output showed, by output name.
    public private(set) var shown: [String: Set<ArtifactID>] = [:]
    /// The last state saved for each conversation of each node: node → conversation → bytes.
    public private(set) var snapshots: [String: [String: Data]] = [:]

    /// Reads `records` in order.
    public init(_ records: [JournalRecord]) {
        var seen = Set<String>()
        for record in records {
            switch record {
            case .published(let artifact, let topic, _):
                if seen.insert(topic + "\u{0}" + artifact.id.rawValue).inserted { published.append((artifact, topic)) }
            case .emitted(let node, let input, let output, _):
                producers[output] = (node, ArtifactID(input))
            case .settled(let node, let input, _, _, _):
                settled[node, default: []].insert(ArtifactID(input))
            case .shown(let output, let artifact, _):
                shown[output, default: []].insert(ArtifactID(artifact))
            case .snapshot(let node, let key, let state, _):
                snapshots[node, default: [:]][key] = state
            case .failed, .deadLettered:
                break
            }
        }
    }

    /// The inputs `node` settled in the run, in the order they were published: what a replay
    /// from that node feeds it again.
    public func inputs(of node: String) -> [Artifact] {
        guard let taken = settled[node] else { return [] }
        var seen = Set<ArtifactID>()
        return published.compactMap { entry in
            taken.contains(entry.artifact.id) && seen.insert(entry.artifact.id).inserted ? entry.artifact : nil
        }
    }

    /// Whether `artifact` is a node output whose input the node had not settled: the node
    /// does that input again on resume and emits it again (under the same derived id), so the
    /// recorded one is not delivered. Outputs of `sources` (no input) and what was fed are kept.
    public func isUnfinishedWork(_ artifact: Artifact, sources: Set<String>) -> Bool {
        guard let origin = artifact.origin, !sources.contains(origin) else { return false }
        guard let producer = producers[artifact.id.rawValue] else { return true }
        return !(settled[producer.node]?.contains(producer.input) ?? false)
    }
}
