import Manifold
import ManifoldJSON

extension GraphManifest {
    /// Every connection of the graph, for the builder's type checks and for pictures.
    ///
    /// Order: for each node in manifest order, each of its subscriptions in order, each
    /// matching producer (graph inputs first, then nodes, each in manifest order); then, for
    /// each graph output, its producers. A subscription on a `$` system topic makes no edge
    /// (the hub publishes there). Two patterns of one node that match the same producer give
    /// two edges, with different consumer paths.
    public func edges() -> [GraphEdge] {
        var index = ProducerIndex(self)
        return edges(using: &index)
    }

    private func edges(using index: inout ProducerIndex) -> [GraphEdge] {
        var edges: [GraphEdge] = []
        for node in nodes {
            for (position, pattern) in node.subscribe.enumerated() {
                for producer in index.producers(matching: pattern).map({ index.producers[$0] }) {
                    edges.append(GraphEdge(
                        producer: producer.end, topic: producer.topic, consumer: .node(node.id), subscription: pattern,
                        producerPath: producer.path, consumerPath: node.subscriptionPath(position)))
                }
            }
        }
        for output in outputs {
            for producer in index.producers(of: output.topic).map({ index.producers[$0] }) {
                edges.append(GraphEdge(
                    producer: producer.end, topic: producer.topic, consumer: .output(output.name),
                    subscription: TopicPattern(exactly: output.topic), producerPath: producer.path, consumerPath: output.topicPath))
            }
        }
        return edges
    }

    /// The wiring checks that need no plugin code.
    ///
    /// Errors: a subscription that matches no producer's topic (`$.nodes.X.subscribe[i]`);
    /// a graph output whose topic nobody publishes to (`$.outputs.X.topic`); a cycle among
    /// nodes when `allowCycles` is false (at the subscription that closes it).
    /// Warnings: a node output nobody reads (`$.nodes.X.output`: its artifacts would be
    /// dead-lettered); a graph input nobody reads (`$.inputs.X.topic`).
    /// Subscriptions to `$` system topics and graph outputs on them are not checked: the hub
    /// publishes there. Both lists are sorted and de-duplicated.
    public func checkTopology() -> (errors: [ManifestError], warnings: [ManifestError]) {
        var index = ProducerIndex(self)
        let published = index.publishedTopics
        let publishedText = published.isEmpty
            ? "no node has an \"output\" and the graph has no inputs"
            : "producers publish to: " + published.joined(separator: ", ")
        var errors: [ManifestError] = []
        var warnings: [ManifestError] = []

        // Every topic read by a node or a graph output. Only producers' topics are ever asked
        // about, so the topics each subscription matches among them are all there is to know.
        var readTopics = Set(outputs.map(\.topic))
        for node in nodes {
            for pattern in node.subscribe {
                for position in index.producers(matching: pattern) { readTopics.insert(index.producers[position].topic) }
            }
        }

        for node in nodes {
            for (position, pattern) in node.subscribe.enumerated() where !pattern.text.hasPrefix("$") {
                guard index.producers(matching: pattern).isEmpty else { continue }
                let what = pattern.hasWildcards ? "a topic matching '\(pattern)'" : "'\(pattern)'"
                let hint = NameSuggestion.closest(to: pattern.text, among: published).map { "did you mean '\($0)'? Otherwise " } ?? ""
                errors.append(ManifestError(
                    file: file, jsonPath: node.subscriptionPath(position), message: "nothing publishes to \(what); \(publishedText)",
                    fix: hint + "publish to it from a node's \"output\" or a graph input's \"topic\""))
            }
            if let output = node.output, !readTopics.contains(output) {
                warnings.append(ManifestError(
                    file: file, jsonPath: node.outputPath,
                    message: "nothing reads topic '\(output)': no node subscribes to it and no graph output uses it",
                    fix: "subscribe a node to it, add a graph output with \"topic\": \"\(output)\", or remove \"output\"; unread artifacts go to $dead-letter"))
            }
        }
        for input in inputs where !readTopics.contains(input.topic) {
            warnings.append(ManifestError(
                file: file, jsonPath: input.topicPath,
                message: "nothing reads topic '\(input.topic)' of graph input '\(input.name)': no node subscribes to it",
                fix: "subscribe a node to '\(input.topic)', or remove the input"))
        }
        for output in outputs where !output.topic.isSystem && !index.isPublished(output.topic) {
            let hint = NameSuggestion.closest(to: output.topic.name, among: published).map { "did you mean '\($0)'? Otherwise " } ?? ""
            errors.append(ManifestError(
                file: file, jsonPath: output.topicPath,
                message: "nothing publishes to '\(output.topic)' for graph output '\(output.name)'; \(publishedText)",
                fix: hint + "set a node's \"output\" to '\(output.topic)'"))
        }
        if !allowCycles {
            for cycle in cycles(edges: edges(using: &index)) {
                errors.append(ManifestError(
                    file: file, jsonPath: cycle.closingPath, message: "nodes form a cycle: " + cycle.nodes.joined(separator: " → "),
                    fix: "if the loop is intended (agent/tool loops), set \"allowCycles\": true at the top level; otherwise remove a subscription on the cycle"))
            }
        }
        return (ManifestErrors(errors).errors, ManifestErrors(warnings).errors)
    }

    // MARK: Helpers

    /// A cycle: node ids from a node back to itself, and the path of the subscription that
    /// closes it (on the first node).
    struct Cycle {
        let nodes: [String]
        let closingPath: String
    }

    /// One cycle per strongly connected group of nodes (or node subscribing to its own
    /// output), given the graph's `edges()`: the shortest through the group's first node in
    /// manifest order.
    func cycles(edges: [GraphEdge]) -> [Cycle] {
        let ids = nodes.map(\.id)
        let position = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var successors = [[Int]](repeating: [], count: ids.count)
        // Links already in `successors`, as source × count + target: a node read by thousands
        // must not search its successor list once per edge.
        var linked = Set<Int>()
        var closingPaths: [[Int: String]] = Array(repeating: [:], count: ids.count)
        for edge in edges {
            guard case .node(let from) = edge.producer, case .node(let to) = edge.consumer,
                let source = position[from], let target = position[to]
            else { continue }
            if linked.insert(source * ids.count + target).inserted { successors[source].append(target) }
            if closingPaths[target][source] == nil { closingPaths[target][source] = edge.consumerPath }
        }
        var cycles: [Cycle] = []
        for component in StronglyConnected.components(successors) {
            let members = Set(component)
            guard let start = component.min(), members.count > 1 || successors[start].contains(start) else { continue }
            // Breadth-first from the start back to itself, inside the component.
            var previous: [Int: Int] = [:]
            var queue = [start]
            var head = 0
            var last: Int?
            search: while head < queue.count {
                let current = queue[head]
                head += 1
                for next in successors[current] where members.contains(next) {
                    if next == start {
                        last = current
                        break search
                    }
                    if previous[next] == nil {
                        previous[next] = current
                        queue.append(next)
                    }
                }
            }
            guard let last else { continue }
            // Walked back from the last node and reversed once: inserting at the front of a
            // cycle through thousands of nodes would move the whole path per step.
            var backwards = [last]
            while let step = previous[backwards[backwards.count - 1]], backwards[backwards.count - 1] != start { backwards.append(step) }
            if backwards[backwards.count - 1] != start { backwards.append(start) }
            let names = backwards.reversed().map { ids[$0] } + [ids[start]]
            cycles.append(Cycle(nodes: names, closingPath: closingPaths[start][last] ?? nodes[start].path))
        }
        return cycles
    }
}

/// Tarjan's strongly connected components, iterative (no recursion depth limit).
enum StronglyConnected {
    /// The components of a graph given as successor lists, each a list of vertex indices.
    static func components(_ successors: [[Int]]) -> [[Int]] {
        let count = successors.count
        var index = 0
        var indices = [Int?](repeating: nil, count: count)
        var lowLinks = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int] = []
        var components: [[Int]] = []
        for root in 0..<count where indices[root] == nil {
            var work: [(vertex: Int, next: Int)] = [(root, 0)]
            indices[root] = index
            lowLinks[root] = index
            index += 1
            stack.append(root)
            onStack[root] = true
            while let (vertex, next) = work.last {
                if next < successors[vertex].count {
                    work[work.count - 1].next += 1
                    let successor = successors[vertex][next]
                    if indices[successor] == nil {
                        indices[successor] = index
                        lowLinks[successor] = index
                        index += 1
                        stack.append(successor)
                        onStack[successor] = true
                        work.append((successor, 0))
                    } else if onStack[successor] {
                        lowLinks[vertex] = min(lowLinks[vertex], indices[successor]!)
                    }
                } else {
                    work.removeLast()
                    if let parent = work.last?.vertex { lowLinks[parent] = min(lowLinks[parent], lowLinks[vertex]) }
                    if lowLinks[vertex] == indices[vertex] {
                        var component: [Int] = []
                        while let member = stack.popLast() {
                            onStack[member] = false
                            component.append(member)
                            if member == vertex { break }
                        }
                        components.append(component)
                    }
                }
            }
        }
        return components
    }
}
