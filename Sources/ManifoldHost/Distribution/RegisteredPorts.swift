import Foundation
import Manifold
import ManifoldManifest

/// One end of a graph's edges as a process of a distributed run serves it — a node with the
/// types its plugin takes and emits there, or a graph input or output of the coordinator —
/// and which process, on which host, serves it. What each process writes to the run's port
/// registry, so that the others can check their types against what really runs.
public struct RegisteredPorts: Codable, Sendable, Hashable {
    /// What is registered.
    public enum Kind: String, Codable, Sendable {
        /// A node.
        case node
        /// A graph input (the coordinator feeds it).
        case input
        /// A graph output (the coordinator reads it).
        case output
    }

    /// A process of a run: its host and process id.
    public struct Process: Codable, Sendable, Hashable, CustomStringConvertible {
        /// The host's name.
        public var host: String
        /// The process id on that host.
        public var id: Int32

        /// A process.
        public init(host: String, id: Int32) {
            self.host = host
            self.id = id
        }

        /// This process.
        public static let current = Process(host: ProcessInfo.processInfo.hostName, id: ProcessInfo.processInfo.processIdentifier)

        /// `process 4242 on host alpha`.
        public var description: String { "process \(id) on host \(host)" }
    }

    /// What is registered.
    public var kind: Kind
    /// The node's id, or the graph input's or output's name.
    public var name: String
    /// The node's plugin and its version (`uppercase 1.0.0`); `nil` for an input or output.
    public var plugin: String?
    /// The types it takes (a node's inputs, a graph output's types).
    public var accepts: ArtifactTypeSet
    /// The types it emits (a node's outputs, a graph input's types).
    public var emits: ArtifactTypeSet
    /// The patterns it hears, as its graph manifest writes them.
    public var subscribe: [String]
    /// Where it publishes, as its graph manifest writes it.
    public var output: String?
    /// Who serves it.
    public var process: Process

    /// A registration.
    public init(
        kind: Kind, name: String, plugin: String? = nil, accepts: ArtifactTypeSet, emits: ArtifactTypeSet, subscribe: [String] = [],
        output: String? = nil, process: Process = .current
    ) {
        self.kind = kind
        self.name = name
        self.plugin = plugin
        self.accepts = accepts
        self.emits = emits
        self.subscribe = subscribe
        self.output = output
        self.process = process
    }

    /// Whether it is the end `end` of an edge.
    func isEnd(_ end: GraphEdge.End) -> Bool {
        switch end {
        case .node(let id): kind == .node && name == id
        case .input(let input): kind == .input && name == input
        case .output(let output): kind == .output && name == output
        }
    }

    /// `node 'upper'`, `graph input 'lines'`.
    var end: GraphEdge.End {
        switch kind {
        case .node: .node(name)
        case .input: .input(name)
        case .output: .output(name)
        }
    }
}

extension RegisteredPorts {
    /// What this process serves of `manifest` under `placement`: its nodes (with their
    /// plugins' types, from `validation`) and, for a coordinator, the graph's inputs and outputs.
    static func served(by placement: GraphPlacement, of manifest: GraphManifest, validation: GraphValidation) -> [RegisteredPorts] {
        var served: [RegisteredPorts] = []
        for node in manifest.nodes where placement.runs(node.id) {
            guard let plugin = validation.provider(for: node) else { continue }
            served.append(RegisteredPorts(
                kind: .node, name: node.id, plugin: "\(plugin.descriptor.name) \(plugin.descriptor.version)",
                accepts: plugin.descriptor.inputs, emits: plugin.descriptor.outputs, subscribe: node.subscribe.map(\.text),
                output: node.output?.name))
        }
        guard placement.role == .coordinator else { return served }
        for input in manifest.inputs {
            served.append(RegisteredPorts(kind: .input, name: input.name, accepts: [], emits: input.types, output: input.topic.name))
        }
        for output in manifest.outputs {
            served.append(RegisteredPorts(kind: .output, name: output.name, accepts: output.types, emits: [], subscribe: [output.topic.name]))
        }
        return served
    }
}
