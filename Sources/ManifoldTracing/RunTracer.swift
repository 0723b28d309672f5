import Foundation
import Manifold
import ManifoldContracts
import Synchronization

/// Makes spans from a traced run's events (`GraphRun(traced: true)`) and hands them to an
/// exporter:
///
/// - `input NAME`: an artifact entering the graph at an input with a new trace (its root);
/// - `node NODE` (or `tool TOOL` for a `tool/call`): one node processing one input, from its
///   start to its end, child of the span that produced the input; attributes name the node,
///   its plugin, the input's type and size, the outputs' count and size, and a failure's
///   message as the span's error;
/// - `model MODEL`: one model call of an agent, child of the agent's node span, from what the
///   agent wrote on its output (`agent.call.ms`, `agent.call.first_event_ms`, tokens).
///
/// The ids come from the artifacts' `traceparent` and `TraceContext.spanID(node:input:)`, the
/// same the nodes stamp on their outputs, so each child names its real parent.
final class RunTracer: RunObserver {
    private struct OpenSpan {
        var trace: TraceContext
        var start: WallTime
        var inputType: String
        var inputBytes: Int
        var toolName: String?
        var outputs = 0
        var outputBytes = 0
        var failure: String?
        var modelRounds: Set<String> = []
    }

    private struct Key: Hashable {
        var node: String
        var input: ArtifactID
    }

    private let graph: String
    private let inputsByTopic: [Topic: String]
    private let pluginsByNode: [String: String]
    private let export: @Sendable (FinishedSpan) -> Void
    private let open = Mutex<[Key: OpenSpan]>([:])

    init(graph: String, inputsByTopic: [Topic: String], pluginsByNode: [String: String], export: @escaping @Sendable (FinishedSpan) -> Void) {
        self.graph = graph
        self.inputsByTopic = inputsByTopic
        self.pluginsByNode = pluginsByNode
        self.export = export
    }

    func observe(_ event: RunEvent) {
        switch event {
        case .published(let artifact, let topic):
            guard artifact.origin == nil, let input = inputsByTopic[topic], let trace = Self.trace(of: artifact),
                  trace.spanID == TraceContext.spanID(node: "input:\(input)", input: artifact.id)
            else { return }
            let now = WallTime.now
            export(FinishedSpan(
                traceID: trace.traceID, spanID: trace.spanID, parentSpanID: nil, name: "input \(input)", kind: .producer, start: now, end: now,
                attributes: [
                    ("manifold.graph", .string(graph)), ("manifold.input", .string(input)),
                    ("manifold.artifact.type", .string(artifact.type.description)), ("manifold.artifact.bytes", .integer(Int64(artifact.payload.count))),
                ],
                error: nil))
        case .inputBegan(let node, let input):
            guard let trace = Self.trace(of: input) else { return }
            let toolName = input.type == .toolCall ? (try? ToolCallPayload.read(from: input))?.name : nil
            let span = OpenSpan(
                trace: trace, start: .now, inputType: input.type.description, inputBytes: input.payload.count, toolName: toolName)
            open.withLock { $0[Key(node: node, input: input.id)] = span }
        case .output(let node, let output, _, let input):
            let modelSpan = open.withLock { open -> FinishedSpan? in
                let key = Key(node: node, input: input)
                guard var span = open[key] else { return nil }
                span.outputs += 1
                span.outputBytes += output.payload.count
                let model = Self.modelSpan(of: output, under: span, node: node, input: input)
                if model != nil, let round = output.metadata["agent.round"] {
                    // One span per model call: its calls and answer all carry its figures.
                    if !span.modelRounds.insert(round).inserted {
                        open[key] = span
                        return nil
                    }
                }
                open[key] = span
                return model
            }
            if let modelSpan { export(modelSpan) }
        case .nodeFailed(let failure):
            open.withLock { open in
                let key = Key(node: failure.node, input: failure.input)
                if open[key] != nil { open[key]!.failure = failure.message }
            }
        case .inputDone(let node, let input, _, let succeeded):
            guard let span = open.withLock({ $0.removeValue(forKey: Key(node: node, input: input.id)) }) else { return }
            var attributes: [(String, FinishedSpan.Value)] = [
                ("manifold.node", .string(node)), ("manifold.input.type", .string(span.inputType)),
                ("manifold.input.bytes", .integer(Int64(span.inputBytes))), ("manifold.outputs", .integer(Int64(span.outputs))),
                ("manifold.output.bytes", .integer(Int64(span.outputBytes))),
            ]
            if let plugin = pluginsByNode[node] { attributes.append(("manifold.plugin", .string(plugin))) }
            if let tool = span.toolName { attributes.append(("manifold.tool", .string(tool))) }
            export(FinishedSpan(
                traceID: span.trace.traceID, spanID: TraceContext.spanID(node: node, input: input.id), parentSpanID: span.trace.spanID,
                name: span.toolName.map { "tool \($0)" } ?? "node \(node)", kind: .consumer, start: span.start, end: .now,
                attributes: attributes, error: succeeded ? nil : (span.failure ?? "the node failed on this input")))
        case .delivered, .rejected, .dropped, .deadLettered, .settled, .nodeStarted, .nodeStopped:
            return
        }
    }

    private static func trace(of artifact: Artifact) -> TraceContext? {
        artifact.metadata[MetadataKey.traceParent].flatMap(TraceContext.init(traceParent:))
    }

    /// The span of the model call an agent's output came from, when the output says what it took.
    private static func modelSpan(of output: Artifact, under span: OpenSpan, node: String, input: ArtifactID) -> FinishedSpan? {
        guard let milliseconds = output.metadata["agent.call.ms"].flatMap(Double.init) else { return nil }
        let end = WallTime.now
        let model = output.metadata["agent.model"]
        var attributes: [(String, FinishedSpan.Value)] = [("manifold.node", .string(node))]
        if let model { attributes.append(("gen_ai.request.model", .string(model))) }
        if let tokens = output.metadata["usage.input_tokens"].flatMap(Int64.init) { attributes.append(("gen_ai.usage.input_tokens", .integer(tokens))) }
        if let tokens = output.metadata["usage.output_tokens"].flatMap(Int64.init) { attributes.append(("gen_ai.usage.output_tokens", .integer(tokens))) }
        if let first = output.metadata["agent.call.first_event_ms"].flatMap(Double.init) {
            attributes.append(("manifold.model.time_to_first_event_ms", .double(first)))
        }
        let round = output.metadata["agent.round"] ?? "0"
        return FinishedSpan(
            traceID: span.trace.traceID, spanID: TraceContext.spanID(node: "\(node)/model/\(round)", input: input),
            parentSpanID: TraceContext.spanID(node: node, input: input), name: "model \(model ?? "call")", kind: .client,
            start: end.minus(.microseconds(Int64(milliseconds * 1000))), end: end, attributes: attributes, error: nil)
    }
}
