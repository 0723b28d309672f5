import Manifold
import ManifoldManifest

/// The connect-time type check of a run spread over several processes: the edges between
/// what this process serves and what the others registered, checked against the types each
/// really has there (another machine may have another version of a plugin), and each other
/// process's wiring against this process's graph manifest.
///
/// Edges within this process were checked by `GraphValidator`; edges between two other
/// processes were checked by whichever of them registered second.
enum DistributedTypeCheck {
    /// The problems between `here`'s registrations and the others' in `registered`, for the
    /// graph `manifest` read from `file`: every error has a JSON path in that file and names
    /// the other process and its host.
    static func diagnostics(manifest: GraphManifest, file: String, registered: [RegisteredPorts], here: RegisteredPorts.Process)
        -> [GraphDiagnostic]
    {
        var diagnostics = Set<GraphDiagnostic>()
        let servesSomething = registered.contains { $0.process == here }
        for other in registered where other.process != here && servesSomething {
            if let problem = wiringDifference(other, from: manifest, file: file) { diagnostics.insert(problem) }
        }
        for edge in manifest.edges() {
            let producers = registered.filter { $0.isEnd(edge.producer) }
            let consumers = registered.filter { $0.isEnd(edge.consumer) }
            for producer in producers {
                for consumer in consumers where (producer.process == here) != (consumer.process == here) {
                    guard !producer.emits.intersects(consumer.accepts) else { continue }
                    diagnostics.insert(GraphDiagnostic(
                        .error, file: file, path: edge.consumerPath,
                        message: "type mismatch on topic '\(edge.topic)': \(edge.producer) (\(edge.producerPath)), "
                            + "\(servedWhere(producer, here: here)), emits \(producer.emits) but \(edge.consumer), "
                            + "\(servedWhere(consumer, here: here)), accepts \(consumer.accepts)",
                        fix: "run the same plugin versions on every machine, make the types meet, or put a converting node between them"))
                }
            }
        }
        return diagnostics.sorted()
    }

    /// `run by process 42 on host alpha (plugin split 1.0.0)`, `run here (…)`.
    private static func servedWhere(_ ports: RegisteredPorts, here: RegisteredPorts.Process) -> String {
        let verb = switch ports.kind {
        case .node: "run"
        case .input: "fed"
        case .output: "read"
        }
        let place = ports.process == here ? "\(verb) here" : "\(verb) by \(ports.process)"
        return ports.plugin.map { "\(place) (plugin \($0))" } ?? place
    }

    /// Why `other`'s node is not the node `manifest` describes, if it is not: another process
    /// running another version of the graph would route artifacts this check never saw.
    private static func wiringDifference(_ other: RegisteredPorts, from manifest: GraphManifest, file: String) -> GraphDiagnostic? {
        let sameGraph = "run the same graph manifest in every process of the run"
        switch other.kind {
        case .node:
            guard let node = manifest.node(other.name) else {
                return GraphDiagnostic(
                    .error, file: file, path: "$.nodes",
                    message: "\(other.process) runs node '\(other.name)', which this graph does not have", fix: sameGraph)
            }
            let subscribe = node.subscribe.map(\.text)
            if subscribe != other.subscribe {
                return GraphDiagnostic(
                    .error, file: file, path: "\(node.path).subscribe",
                    message: "node '\(node.id)' subscribes to \(subscribe) here but to \(other.subscribe) in \(other.process)", fix: sameGraph)
            }
            if node.output?.name != other.output {
                return GraphDiagnostic(
                    .error, file: file, path: "\(node.path).output",
                    message: "node '\(node.id)' publishes to \(node.output.map { "'\($0)'" } ?? "nothing") here but to "
                        + "\(other.output.map { "'\($0)'" } ?? "nothing") in \(other.process)", fix: sameGraph)
            }
        case .input:
            guard let input = manifest.input(named: other.name) else {
                return GraphDiagnostic(
                    .error, file: file, path: "$.inputs",
                    message: "\(other.process) feeds graph input '\(other.name)', which this graph does not have", fix: sameGraph)
            }
            if input.topic.name != other.output {
                return GraphDiagnostic(
                    .error, file: file, path: input.topicPath,
                    message: "graph input '\(input.name)' publishes to '\(input.topic)' here but to '\(other.output ?? "")' in \(other.process)",
                    fix: sameGraph)
            }
        case .output:
            guard let output = manifest.output(named: other.name) else {
                return GraphDiagnostic(
                    .error, file: file, path: "$.outputs",
                    message: "\(other.process) reads graph output '\(other.name)', which this graph does not have", fix: sameGraph)
            }
            if [output.topic.name] != other.subscribe {
                return GraphDiagnostic(
                    .error, file: file, path: output.topicPath,
                    message: "graph output '\(output.name)' reads '\(output.topic)' here but \(other.subscribe) in \(other.process)",
                    fix: sameGraph)
            }
        }
        return nil
    }
}
