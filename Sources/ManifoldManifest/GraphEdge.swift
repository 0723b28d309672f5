import Manifold

/// One connection of a graph: a producer publishes to `topic` and a consumer hears it.
///
/// Producers are graph inputs and nodes with an `output`; consumers are nodes (through a
/// subscription pattern) and graph outputs (through their topic). The graph builder
/// type-checks each edge (what the producer emits against what the consumer accepts) and
/// reports both ends by their paths.
public struct GraphEdge: Sendable, Hashable, CustomStringConvertible {
    /// One end of an edge.
    public enum End: Sendable, Hashable, CustomStringConvertible {
        /// A graph input, by name.
        case input(String)
        /// A node, by id.
        case node(String)
        /// A graph output, by name.
        case output(String)

        /// `graph input 'prompt'`, `node 'coder'`, `graph output 'result'`.
        public var description: String {
            switch self {
            case .input(let name): return "graph input '\(name)'"
            case .node(let id): return "node '\(id)'"
            case .output(let name): return "graph output '\(name)'"
            }
        }
    }

    /// Who publishes: a graph input or a node.
    public let producer: End
    /// The topic the producer publishes to.
    public let topic: Topic
    /// Who hears it: a node or a graph output.
    public let consumer: End
    /// The consumer's pattern that matched `topic` (the topic itself for a graph output).
    public let subscription: TopicPattern
    /// Where the producer's topic is written: `$.inputs.NAME.topic` or `$.nodes.ID.output`.
    public let producerPath: String
    /// Where the consumer's side is written: `$.nodes.ID.subscribe[i]` or `$.outputs.NAME.topic`.
    public let consumerPath: String

    /// `graph input 'prompt' → node 'shout' on 'input'`.
    public var description: String {
        "\(producer) → \(consumer) on '\(topic)'"
    }
}
