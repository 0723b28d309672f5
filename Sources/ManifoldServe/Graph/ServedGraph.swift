import Foundation
import Manifold
import ManifoldHost
import ManifoldJSON
import ManifoldManifest
import Synchronization

/// A graph kept running to answer calls: each call feeds one artifact to one of its inputs and
/// is answered with everything the graph produced for that artifact's correlation id.
///
/// Calls run side by side in the one graph (each node still takes its inputs one at a time,
/// or per its `replicas`); a call ends when nothing of it is left in the graph, when its time
/// limit passes, when its caller cancels it, or when the graph stops.
public final class ServedGraph: Sendable {
    /// The graph's inputs as tools, in manifest order.
    public let tools: [GraphInputTool]
    /// The time a call may take before it is answered with what arrived so far.
    public let callTimeLimit: Duration

    private let graphRun: GraphRun
    private let tracker = CallTracker()
    private let inputTopics: [String: Topic]
    private let ended = ServerEnd()

    /// Serves `graphRun`'s inputs.
    ///
    /// - Throws: `ServedGraphError` when the graph has no input to offer, or its hub is not in
    ///   this process (a call is followed by its events, which a broker's other processes do
    ///   not report here).
    public init(_ graphRun: GraphRun, callTimeLimit: Duration) throws {
        let manifest = graphRun.manifest
        guard !manifest.inputs.isEmpty else {
            throw ServedGraphError("the graph '\(manifest.name)' declares no inputs, so it has no tool to offer; add one under \"inputs\" (\(manifest.file))")
        }
        guard graphRun.hub.options.transport is InProcessTransport else {
            throw ServedGraphError("a served graph runs in one process; drop --hub (and hub.transport in \(manifest.file)) to serve it in process")
        }
        self.graphRun = graphRun
        self.callTimeLimit = callTimeLimit
        tools = manifest.inputs.map { GraphInputTool(input: $0, graphName: manifest.name) }
        inputTopics = Dictionary(manifest.inputs.map { ($0.name, $0.topic) }, uniquingKeysWith: { first, _ in first })
        graphRun.hub.addObserver(tracker)
    }

    /// The graph's name.
    public var name: String { graphRun.manifest.name }

    /// Graph outputs that arrived for calls already answered, timed out or cancelled.
    public var unclaimedOutputs: Int { tracker.unclaimedOutputs }

    /// Runs the graph until `stop()`; calls are answered meanwhile. Calls still open when it
    /// ends are answered as stopped.
    ///
    /// - Throws: what `GraphRun.run` throws (a node's error under the `stop` policy).
    public func run() async throws -> GraphRunReport {
        // A feed that never hands out an artifact keeps the run open until the stop; calls
        // publish straight to the hub.
        let ended = self.ended
        let feed = GraphInputFeed(input: graphRun.manifest.inputs[0].name, next: { await ended.wait(); return nil }, stop: { ended.end() })
        defer { tracker.abandonAll(as: .stopped) }
        return try await graphRun.run(
            feeds: [feed],
            onOutput: { [tracker] output, artifact in tracker.taken(artifact, output: output) },
            onError: { [tracker] report in tracker.taken(report, output: nil) })
    }

    /// Stops taking calls; what is in flight finishes, then `run()` returns.
    public func stop() {
        ended.end()
        graphRun.stop()
    }

    /// Feeds `arguments` to the input named `tool` and waits for the graph's outputs for it.
    ///
    /// - Parameter onOutput: hears each graph output as it arrives (for progress), before the
    ///   call ends.
    /// - Returns: the outcome; cancelling the calling task ends the call as `.cancelled` with
    ///   what arrived so far.
    /// - Throws: `GraphInputToolError` for an unknown tool or arguments it cannot take;
    ///   `ServedGraphError` once the graph has stopped.
    public func call(
        tool name: String, arguments: JSONValue?, onOutput: @escaping @Sendable (String, Artifact) -> Void = { _, _ in }
    ) async throws -> GraphCallOutcome {
        guard let tool = tools.first(where: { $0.name == name }), let topic = inputTopics[name] else {
            throw GraphInputToolError(tool: name, problem: "no such tool; this graph offers: \(tools.map(\.name).joined(separator: ", "))")
        }
        let payload = try tool.payload(for: arguments)
        guard !ended.hasEnded else { throw ServedGraphError("the graph '\(self.name)' has stopped and takes no more calls") }
        var artifact = Artifact(type: tool.type, payload: payload, origin: nil)
        let correlationID = artifact.id.rawValue
        artifact.correlationID = correlationID
        artifact = graphRun.entering(artifact, input: name)
        tracker.begin(correlationID, onOutput: onOutput)
        let timeLimit = callTimeLimit
        let timer = Task { [tracker] in
            try await Task.sleep(for: timeLimit)
            tracker.abandon(correlationID, as: .timedOut(seconds: timeLimit.seconds))
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            do {
                try await graphRun.hub.publish(artifact, to: topic)
                tracker.published(correlationID)
            } catch {
                // The hub closed under the call (the graph stopped), or the publish was cancelled.
                tracker.abandon(correlationID, as: Task.isCancelled ? .cancelled : .stopped)
                return GraphCallOutcome(outputs: [], failures: [], losses: ["the input could not be published: \(error)"], ended: Task.isCancelled ? .cancelled : .stopped)
            }
            return await tracker.outcome(of: correlationID)
        } onCancel: { [tracker] in
            tracker.abandon(correlationID, as: .cancelled)
        }
    }
}

/// Why a graph cannot be served, or takes no more calls.
public struct ServedGraphError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The end of serving: a one-way latch the held-open feed waits on.
private final class ServerEnd: Sendable {
    private struct State {
        var ended = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var hasEnded: Bool { state.withLock { $0.ended } }

    func end() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.ended = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `end()` is called, or at once if it was.
    func wait() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.ended { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
