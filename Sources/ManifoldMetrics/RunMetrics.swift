import Foundation
import Manifold
import Prometheus
import Synchronization

/// A run's events as Prometheus metrics: per node, per topic, per model, and the process.
///
/// Add it to a hub (`Hub.addObserver(_:)`): it counts as events happen, with a lock and a
/// dictionary lookup per event; a run without it pays nothing. `exposition()` writes the text
/// format a Prometheus server scrapes.
///
/// | metric | labels | from |
/// |---|---|---|
/// | `manifold_node_inputs_total` | node | an input begun |
/// | `manifold_node_outputs_total` | node | an output published |
/// | `manifold_node_failures_total` | node | an input that failed |
/// | `manifold_node_in_flight` | node | inputs begun and not done |
/// | `manifold_node_processing_seconds` | node | each input's time, a histogram |
/// | `manifold_topic_published_total`, `_delivered_total`, `_rejected_total`, `_dropped_total` | topic | the hub |
/// | `manifold_topic_dead_lettered_total` | topic, reason | the hub |
/// | `manifold_model_requests_total`, `_input_tokens_total`, `_output_tokens_total` | node, model | an agent's answers |
/// | `manifold_process_resident_memory_bytes`, `manifold_plugins_open` | — | read at each scrape |
public final class RunMetrics: RunObserver {
    private let registry = PrometheusCollectorRegistry()
    private let nodes = Mutex<[String: NodeMetrics]>([:])
    private let topics = Mutex<[String: TopicMetrics]>([:])
    private let deadLetters = Mutex<[String: Counter]>([:])
    private let models = Mutex<[String: ModelMetrics]>([:])
    private let residentMemory: Gauge
    private let pluginsOpen: Gauge
    private let openPlugins: @Sendable () -> Int

    /// Processing-time buckets, in seconds: from a fast transform to a long model call.
    static let processingBuckets: [Duration] = [
        .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50),
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    /// Metrics of one run; `openPlugins` says how many plugin libraries are loaded, at each scrape.
    public init(openPlugins: @escaping @Sendable () -> Int = { 0 }) {
        self.openPlugins = openPlugins
        residentMemory = registry.makeGauge(descriptor: Self.name(
            "process", "resident_memory", unit: "bytes", help: "Resident memory of the manifold process."))
        pluginsOpen = registry.makeGauge(descriptor: Self.name("plugins", "open", unit: "", help: "Plugin libraries loaded."))
    }

    /// The metrics in Prometheus' text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] {
        if let bytes = ProcessMemory.residentBytes() { residentMemory.set(Int64(bytes)) }
        pluginsOpen.set(Int64(openPlugins()))
        return registry.emitToBuffer()
    }

    public func observe(_ event: RunEvent) {
        switch event {
        case .inputBegan(let node, _):
            let metrics = self.node(node)
            metrics.inputs.increment()
            metrics.inFlight.increment()
        case .inputDone(let node, _, let duration, let succeeded):
            let metrics = self.node(node)
            metrics.inFlight.decrement()
            metrics.processing.record(duration)
            if !succeeded { metrics.failures.increment() }
        case .output(let node, let output, _, _):
            self.node(node).outputs.increment()
            recordModelUse(by: node, in: output)
        case .published(_, let topic):
            self.topic(topic.name).published.increment()
        case .delivered(_, let topic, _):
            self.topic(topic.name).delivered.increment()
        case .rejected(_, let topic, _):
            self.topic(topic.name).rejected.increment()
        case .dropped(_, let topic, _, _):
            self.topic(topic?.name ?? "").dropped.increment()
        case .deadLettered(_, let reason, let topic, _, _):
            deadLettered(topic.name, reason: reason.rawValue).increment()
        case .settled, .nodeStarted, .nodeFailed, .nodeStopped:
            return
        }
    }

    /// An agent's answer carries what its model calls cost (`agent.model_calls` and the
    /// turn's token totals): counted per node and model.
    private func recordModelUse(by node: String, in output: Artifact) {
        guard let calls = output.metadata["agent.model_calls"].flatMap(Int64.init) else { return }
        let model = output.metadata["agent.model"] ?? "unknown"
        let key = node + "\u{0}" + model
        let metrics = models.withLock { models in
            if let existing = models[key] { return existing }
            let labels = [("node", node), ("model", model)]
            let made = ModelMetrics(
                requests: registry.makeCounter(descriptor: Self.name("model", "requests", unit: "total", help: "Model calls made by agents."), labels: labels),
                inputTokens: registry.makeCounter(descriptor: Self.name("model", "input_tokens", unit: "total", help: "Tokens sent to models."), labels: labels),
                outputTokens: registry.makeCounter(descriptor: Self.name("model", "output_tokens", unit: "total", help: "Tokens models answered with."), labels: labels))
            models[key] = made
            return made
        }
        metrics.requests.increment(by: calls)
        if let tokens = output.metadata["usage.total_input_tokens"].flatMap(Int64.init) { metrics.inputTokens.increment(by: tokens) }
        if let tokens = output.metadata["usage.total_output_tokens"].flatMap(Int64.init) { metrics.outputTokens.increment(by: tokens) }
    }

    private func node(_ name: String) -> NodeMetrics {
        nodes.withLock { nodes in
            if let existing = nodes[name] { return existing }
            let labels = [("node", name)]
            let made = NodeMetrics(
                inputs: registry.makeCounter(descriptor: Self.name("node", "inputs", unit: "total", help: "Inputs a node began."), labels: labels),
                outputs: registry.makeCounter(descriptor: Self.name("node", "outputs", unit: "total", help: "Outputs a node published."), labels: labels),
                failures: registry.makeCounter(descriptor: Self.name("node", "failures", unit: "total", help: "Inputs a node failed."), labels: labels),
                inFlight: registry.makeGauge(descriptor: Self.name("node", "in_flight", unit: "", help: "Inputs a node is processing now."), labels: labels),
                processing: registry.makeDurationHistogram(
                    descriptor: Self.name("node", "processing", unit: "seconds", help: "Time a node took per input."), labels: labels,
                    buckets: Self.processingBuckets))
            nodes[name] = made
            return made
        }
    }

    private func topic(_ name: String) -> TopicMetrics {
        topics.withLock { topics in
            if let existing = topics[name] { return existing }
            let labels = [("topic", name)]
            func counter(_ what: String, _ help: String) -> Counter {
                registry.makeCounter(descriptor: Self.name("topic", what, unit: "total", help: help), labels: labels)
            }
            let made = TopicMetrics(
                published: counter("published", "Artifacts published to a topic."),
                delivered: counter("delivered", "Artifacts queued for a subscriber of a topic."),
                rejected: counter("rejected", "Artifacts a subscriber of a topic did not accept (their type)."),
                dropped: counter("dropped", "Artifacts a full or cancelled subscription of a topic lost."))
            topics[name] = made
            return made
        }
    }

    private func deadLettered(_ topic: String, reason: String) -> Counter {
        deadLetters.withLock { counters in
            let key = topic + "\u{0}" + reason
            if let existing = counters[key] { return existing }
            let made = registry.makeCounter(
                descriptor: Self.name("topic", "dead_lettered", unit: "total", help: "Artifacts sent to $dead-letter, by reason."),
                labels: [("topic", topic), ("reason", reason)])
            counters[key] = made
            return made
        }
    }

    private static func name(_ subsystem: String, _ metric: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "manifold", subsystem: subsystem, metricName: metric, unitName: unit, helpText: help)
    }
}

private struct NodeMetrics: Sendable {
    let inputs: Counter
    let outputs: Counter
    let failures: Counter
    let inFlight: Gauge
    let processing: DurationHistogram
}

private struct TopicMetrics: Sendable {
    let published: Counter
    let delivered: Counter
    let rejected: Counter
    let dropped: Counter
}

private struct ModelMetrics: Sendable {
    let requests: Counter
    let inputTokens: Counter
    let outputTokens: Counter
}
