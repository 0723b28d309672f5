import Synchronization

/// The ports a node declares on a hub: where it listens and what it takes, where it
/// publishes and what it emits. A graph input is a node with an output and no subscriptions.
public struct NodePorts: Sendable, Hashable {
    /// The node's id, unique on the hub.
    public var node: String
    /// Topic patterns it subscribes to.
    public var subscriptions: [TopicPattern]
    /// Types it accepts on its subscriptions.
    public var accepts: ArtifactTypeSet
    /// The topic it publishes to, if any.
    public var output: Topic?
    /// Types it may emit.
    public var emits: ArtifactTypeSet

    /// Declares a node's ports.
    public init(node: String, subscriptions: [TopicPattern] = [], accepts: ArtifactTypeSet = .any,
                output: Topic? = nil, emits: ArtifactTypeSet = [])
    {
        self.node = node
        self.subscriptions = subscriptions
        self.accepts = accepts
        self.output = output
        self.emits = emits
    }
}

/// One producer → consumer edge whose types cannot meet.
public struct WiringMismatch: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The topic of the edge.
    public var topic: Topic
    /// The producing node.
    public var producer: String
    /// What the producer may emit.
    public var producerTypes: ArtifactTypeSet
    /// The consuming node.
    public var consumer: String
    /// The consumer's pattern that matched the topic.
    public var consumerPattern: TopicPattern
    /// What the consumer accepts.
    public var consumerTypes: ArtifactTypeSet

    public var description: String {
        "type mismatch on topic '\(topic)': '\(producer)' emits \(producerTypes) but '\(consumer)' "
            + "(subscribed to '\(consumerPattern)') accepts \(consumerTypes); make the types meet "
            + "or put a converting node between them"
    }

    public static func < (lhs: WiringMismatch, rhs: WiringMismatch) -> Bool {
        (lhs.topic.name, lhs.producer, lhs.consumer, lhs.consumerPattern.text)
            < (rhs.topic.name, rhs.producer, rhs.consumer, rhs.consumerPattern.text)
    }
}

/// Why a node could not be connected.
public enum WiringError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Some edges' types cannot meet; all of them are listed, sorted.
    case typeMismatch([WiringMismatch])
    /// A node with this id is already connected.
    case duplicateNode(String)

    public var description: String {
        switch self {
        case .typeMismatch(let mismatches):
            return mismatches.map(\.description).joined(separator: "\n")
        case .duplicateNode(let node):
            return "node '\(node)' is already connected to this hub; node ids must be unique"
        }
    }
}

/// The declared ports of every connected node, and the edge check between them.
final class WiringRegistry: Sendable {
    private let declared = Mutex<[String: NodePorts]>([:])

    var nodes: [NodePorts] {
        declared.withLock { $0.values.sorted { $0.node < $1.node } }
    }

    func connect(_ ports: NodePorts) throws {
        try declared.withLock { declared in
            guard declared[ports.node] == nil else { throw WiringError.duplicateNode(ports.node) }
            var all = Array(declared.values)
            all.append(ports)
            let mismatches = Self.mismatches(involving: ports, among: all)
            guard mismatches.isEmpty else { throw WiringError.typeMismatch(mismatches) }
            declared[ports.node] = ports
        }
    }

    func disconnect(node: String) {
        _ = declared.withLock { $0.removeValue(forKey: node) }
    }

    /// Every mismatching edge in which `node` is the producer or the consumer.
    ///
    /// Linear in the number of nodes: `node` against every consumer, then every other producer
    /// against `node`, matching `node`'s patterns once per distinct topic. (Pairing every
    /// producer with every consumer made each connect quadratic: minutes for 10,000 Streamers.)
    static func mismatches(involving node: NodePorts, among nodes: [NodePorts]) -> [WiringMismatch] {
        var found: [WiringMismatch] = []
        func check(_ producer: NodePorts, _ topic: Topic, _ consumer: NodePorts, _ pattern: TopicPattern?) {
            // One edge per producer and consumer, however many of its patterns match.
            guard let pattern else { return }
            if !producer.emits.intersects(consumer.accepts) {
                found.append(WiringMismatch(
                    topic: topic, producer: producer.node, producerTypes: producer.emits,
                    consumer: consumer.node, consumerPattern: pattern, consumerTypes: consumer.accepts))
            }
        }
        func firstMatch(_ consumer: NodePorts, _ topic: Topic) -> TopicPattern? {
            consumer.subscriptions.first(where: { $0.matches(topic) })
        }
        if let topic = node.output {
            for consumer in nodes { check(node, topic, consumer, firstMatch(consumer, topic)) }
        }
        var matchOfTopic: [Topic: TopicPattern?] = [:]
        for producer in nodes where producer.node != node.node {
            guard let topic = producer.output else { continue }
            let pattern: TopicPattern?
            if let known = matchOfTopic[topic] {
                pattern = known
            } else {
                pattern = firstMatch(node, topic)
                matchOfTopic[topic] = .some(pattern)
            }
            check(producer, topic, node, pattern)
        }
        return found.sorted()
    }
}
