import Manifold
import Synchronization

/// Follows each served call through a running graph, by its correlation id, and says when the
/// graph has finished with it: nothing of that call is queued for a node, being processed,
/// being published, or waiting to be handed to the caller.
///
/// It counts from the run's events. A queued artifact counts one until its node says the input
/// is done (or a subscription loses it); a node's publish counts one from `published` (before
/// any delivery) until `output` (after the last), because a fast reader can finish an artifact
/// before the router reports it delivered — without that hold a call would look finished
/// between the two. Graph outputs and error reports count until the server has taken them.
final class CallTracker: RunObserver {
    private struct Call {
        var inFlight: Int
        var outputs: [(output: String, artifact: Artifact)] = []
        var failures: [String] = []
        var losses: [String] = []
        var onOutput: @Sendable (String, Artifact) -> Void
        var finished: CheckedContinuation<GraphCallOutcome, Never>?
    }

    private struct State {
        var calls: [String: Call] = [:]
        /// What a node's failure said, by input, until the node reports that input done.
        var failureMessages: [ArtifactID: String] = [:]
        /// Artifacts of calls no longer followed (answered, timed out, cancelled) that still arrived at an output.
        var unclaimedOutputs = 0
    }

    private let state = Mutex(State())

    /// Topics whose publishes are the runtime's reports, not a node's work on a call.
    private static let reportTopics: Set<Topic> = [.errors, .deadLetter]

    /// Starts following a call whose input is about to be published; it counts as in flight
    /// until `published(_:)`. `onOutput` hears each of its graph outputs as it arrives.
    func begin(_ correlationID: String, onOutput: @escaping @Sendable (String, Artifact) -> Void) {
        state.withLock { $0.calls[correlationID] = Call(inFlight: 1, onOutput: onOutput) }
    }

    /// Waits until the graph has finished with the call, then stops following it.
    ///
    /// Cancelling the waiting task does not end the wait: call `abandon` for that.
    func outcome(of correlationID: String) async -> GraphCallOutcome {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> GraphCallOutcome? in
                guard var call = state.calls[correlationID] else { return GraphCallOutcome(outputs: [], failures: [], losses: [], ended: .abandoned) }
                if call.inFlight <= 0 {
                    state.calls[correlationID] = nil
                    return Self.outcome(call, ended: .finished)
                }
                call.finished = continuation
                state.calls[correlationID] = call
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The call's input has been published (delivered to every node that takes it).
    func published(_ correlationID: String) {
        settle(correlationID, by: 1)
    }

    /// The server has taken a graph output, or a `$errors` report, that this tracker saw delivered.
    func taken(_ artifact: Artifact, output: String?) {
        guard let correlationID = artifact.correlationID else { return }
        let handOver = state.withLock { state -> (@Sendable (String, Artifact) -> Void)? in
            guard state.calls[correlationID] != nil else {
                if output != nil { state.unclaimedOutputs += 1 }
                return nil
            }
            guard let output else { return nil }
            state.calls[correlationID]!.outputs.append((output, artifact))
            return state.calls[correlationID]!.onOutput
        }
        handOver?(output ?? "", artifact)
        settle(correlationID, by: 1)
    }

    /// Stops following a call (its caller gave up) and ends its wait with what arrived so far.
    func abandon(_ correlationID: String, as ending: GraphCallOutcome.Ending) {
        let waiting = state.withLock { state -> (CheckedContinuation<GraphCallOutcome, Never>, GraphCallOutcome)? in
            guard let call = state.calls.removeValue(forKey: correlationID) else { return nil }
            return call.finished.map { ($0, Self.outcome(call, ended: ending)) }
        }
        if let (continuation, outcome) = waiting { continuation.resume(returning: outcome) }
    }

    /// Ends every call still followed: the graph stopped.
    func abandonAll(as ending: GraphCallOutcome.Ending) {
        for correlationID in state.withLock({ Array($0.calls.keys) }) { abandon(correlationID, as: ending) }
    }

    /// Graph outputs that arrived for calls already answered or given up.
    var unclaimedOutputs: Int { state.withLock { $0.unclaimedOutputs } }

    /// Calls being followed now.
    var callsInFlight: Int { state.withLock { $0.calls.count } }

    func observe(_ event: RunEvent) {
        switch event {
        case .published(let artifact, let topic):
            guard artifact.origin != nil, !Self.reportTopics.contains(topic), let id = artifact.correlationID else { return }
            change(id) { $0.inFlight += 1 }
        case .output(_, let output, let topic, _):
            guard !Self.reportTopics.contains(topic), let id = output.correlationID else { return }
            settle(id, by: 1)
        case .delivered(let artifact, _, _):
            guard let id = artifact.correlationID else { return }
            change(id) { $0.inFlight += 1 }
        case .dropped(let artifact, _, _, let reason):
            // Only these were queued (and counted) before they were lost.
            guard reason == .droppedOldest || reason == .subscriptionCancelled, let id = artifact.correlationID else { return }
            settle(id, by: 1)
        case .deadLettered(let artifact, let reason, let topic, let by, let detail):
            guard let id = artifact.correlationID else { return }
            let loss = "an artifact of type \(artifact.type) on '\(topic)' went to $dead-letter (\(reason.rawValue)"
                + (by.map { ", by '\($0)'" } ?? "") + "): \(detail)"
            change(id) { $0.losses.append(loss) }
        case .nodeFailed(let failure):
            state.withLock { state in
                // Kept only for inputs of followed calls; taken back when the node reports the input done.
                if state.failureMessages.count < 10_000 { state.failureMessages[failure.input] = failure.message }
            }
        case .inputDone(let node, let input, _, let succeeded):
            let message = succeeded ? nil : state.withLock { $0.failureMessages.removeValue(forKey: input.id) }
            guard let id = input.correlationID else { return }
            if !succeeded { change(id) { $0.failures.append("node '\(node)' failed: \(message ?? "no reason given")") } }
            settle(id, by: 1)
        case .rejected, .settled, .nodeStarted, .inputBegan, .nodeStopped:
            return
        }
    }

    private static func outcome(_ call: Call, ended: GraphCallOutcome.Ending) -> GraphCallOutcome {
        GraphCallOutcome(outputs: call.outputs, failures: call.failures, losses: call.losses, ended: ended)
    }

    private func change(_ correlationID: String, _ body: (inout Call) -> Void) {
        state.withLock { state in
            guard state.calls[correlationID] != nil else { return }
            body(&state.calls[correlationID]!)
        }
    }

    /// Counts `amount` of the call's work done; ends its wait when none is left.
    private func settle(_ correlationID: String, by amount: Int) {
        let finished = state.withLock { state -> (CheckedContinuation<GraphCallOutcome, Never>?, GraphCallOutcome)? in
            guard var call = state.calls[correlationID] else { return nil }
            call.inFlight -= amount
            guard call.inFlight <= 0, let continuation = call.finished else {
                state.calls[correlationID] = call
                return nil
            }
            state.calls[correlationID] = nil
            return (continuation, Self.outcome(call, ended: .finished))
        }
        if let (continuation, outcome) = finished { continuation?.resume(returning: outcome) }
    }
}
