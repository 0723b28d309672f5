import Manifold

/// The producers of a graph (graph inputs first, then nodes with an output, each in manifest
/// order), indexed by topic so that finding who a subscription hears costs about the number
/// of producers it hears, not the number of producers in the graph.
///
/// Matching every subscription against every producer made checking a graph quadratic:
/// 4,000 nodes took minutes to validate.
struct ProducerIndex {
    /// A graph input or a node with an output.
    struct Producer {
        let end: GraphEdge.End
        let topic: Topic
        /// `$.inputs.NAME.topic` or `$.nodes.ID.output`.
        let path: String
    }

    /// Every producer, in the order edges list them.
    let producers: [Producer]
    /// Positions in `producers` by topic name, ascending.
    private let positionsByTopic: [String: [Int]]
    private let tree: TopicTree
    /// Wildcard matches worked out so far, by pattern text: nodes often share a pattern
    /// (`results.*` for every collector), and each is walked once.
    private var matchesByPattern: [String: [Int]] = [:]

    init(_ manifest: GraphManifest) {
        producers = manifest.inputs.map { Producer(end: .input($0.name), topic: $0.topic, path: $0.topicPath) }
            + manifest.nodes.compactMap { node in node.output.map { Producer(end: .node(node.id), topic: $0, path: node.outputPath) } }
        var positions: [String: [Int]] = [:]
        var tree = TopicTree()
        for (position, producer) in producers.enumerated() {
            if positions[producer.topic.name] == nil { tree.insert(producer.topic) }
            positions[producer.topic.name, default: []].append(position)
        }
        positionsByTopic = positions
        self.tree = tree
    }

    /// Each topic some producer publishes to, sorted, once.
    var publishedTopics: [String] { positionsByTopic.keys.sorted() }

    /// Positions of the producers publishing to `topic`, ascending.
    func producers(of topic: Topic) -> [Int] {
        positionsByTopic[topic.name] ?? []
    }

    /// Whether some producer publishes to `topic`.
    func isPublished(_ topic: Topic) -> Bool {
        positionsByTopic[topic.name] != nil
    }

    /// Positions of the producers whose topic `pattern` matches, ascending.
    mutating func producers(matching pattern: TopicPattern) -> [Int] {
        // A pattern without wildcards matches exactly the topic of the same name.
        guard pattern.hasWildcards else { return positionsByTopic[pattern.text] ?? [] }
        if let known = matchesByPattern[pattern.text] { return known }
        let topics = tree.topics(matching: pattern)
        let positions = topics.count == 1
            ? positionsByTopic[topics[0].name] ?? []
            : topics.flatMap { positionsByTopic[$0.name] ?? [] }.sorted()
        matchesByPattern[pattern.text] = positions
        return positions
    }
}
