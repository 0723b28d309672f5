import Foundation
import Logging
import Manifold
import Synchronization

/// A hub transport that puts a run's topics on a NATS server, so programs outside the graph —
/// in any language with a NATS client — can feed it and follow it.
///
/// Every artifact published on the hub is delivered to the hub's own subscriptions as in
/// process, and published on the topic's subject (`NATSSubjects`) as a NATS message whose
/// headers carry the envelope (`NATSEnvelope`). A message someone else publishes on a subject
/// of the run is delivered to the subscriptions that hear its topic; one that is no artifact
/// (no `Manifold-Type`, say) is dead-lettered here, with the reason.
///
/// What this transport does not do yet: spread one graph's nodes over several processes (the
/// hub dead-letters what none of its own subscriptions takes, and `waitUntilIdle()` knows only
/// this process), or keep messages for a subscriber that is not running (JetStream).
public final class NATSTransport: HubTransport {
    /// The server and the run's subjects.
    public let connection: NATSConnection
    public let subjects: NATSSubjects
    private let endpoint = AttachOnce<TransportEndpoint>()
    private let inbound = NATSInbound()
    private let state = Mutex<State>(State())

    private struct State {
        var interests: [SubscriptionID: TopicInterest] = [:]
        var subscription: NATSSubscription?
        var delivering: Task<Void, Never>?
        /// Why the run's subscription could not be made; the next publish reports it.
        var subscribeFailure: NATSError?
        /// The server once failed to confirm what was published (reported then, not again).
        var confirmationFailed = false
    }

    private let logger: Logger?

    /// Connects to `server` for the run whose subjects are `subjects`.
    ///
    /// - Parameter logger: where a server that stops confirming what was published is
    ///   reported (the run's own topics still work; other programs may have missed messages).
    /// - Throws: `NATSError` when the server cannot be reached.
    public init(server: NATSServerURL, subjects: NATSSubjects, logger: Logger? = nil) throws(NATSError) {
        connection = try NATSConnection(server: server, name: "manifold \(subjects.prefix)")
        self.subjects = subjects
        self.logger = logger
    }

    public func attach(_ endpoint: TransportEndpoint) {
        self.endpoint.set(endpoint, by: "NATS transport")
        let task = Task { [inbound, weak self] in
            while let message = await inbound.next() {
                await self?.deliver(message)
                inbound.delivered()
            }
        }
        state.withLock { $0.delivering = task }
    }

    public func publish(_ artifacts: [Artifact], to topic: Topic) async throws -> DeliveryReport {
        if let failure = state.withLock({ $0.subscribeFailure }) { throw failure }
        let report = try await endpoint.value.deliverPublished(artifacts, to: topic, audience: .nobody)
        let subject = subjects.subject(for: topic)
        for artifact in artifacts {
            try connection.publish(NATSEnvelope.message(for: artifact, subject: subject))
        }
        return report
    }

    public func interestAdded(_ interest: TopicInterest) {
        // One subscription to the whole run, filtered here: overlapping patterns of several
        // local subscriptions must not bring a message in twice.
        let subscribing = state.withLock { state in
            state.interests[interest.subscription] = interest
            return state.subscription == nil
        }
        guard subscribing else { return }
        do {
            let subscription = try connection.subscribe(subjects.all) { [inbound] message in inbound.push(message) }
            // Once the server has the subscription, a message published after `subscribe`
            // returned is heard, whoever publishes it.
            try connection.flush()
            state.withLock { $0.subscription = subscription }
        } catch {
            state.withLock { $0.subscribeFailure = error }
        }
    }

    public func interestRemoved(_ interest: TopicInterest) {
        state.withLock { _ = $0.interests.removeValue(forKey: interest.subscription) }
    }

    public func remoteAudience(for topic: Topic) -> RemoteAudience { .nobody }

    public func waitUntilIdle() async {
        while true {
            await endpoint.value.waitUntilLocallyIdle()
            if !inbound.isBusy { break }
            try? await Task.sleep(for: .milliseconds(1))
        }
        // What was published reaches the server before the run says it is done.
        confirmPublished()
    }

    /// Waits for the server to confirm what was published; a server that does not (stalled,
    /// gone) is reported once, since the messages other programs wait for may be lost.
    private func confirmPublished() {
        guard !state.withLock({ $0.confirmationFailed }) else { return }
        do {
            try connection.flush()
        } catch {
            state.withLock { $0.confirmationFailed = true }
            logger?.error("\(error); programs reading the run's subjects may have missed what it published since")
        }
    }

    public func shutdown() async {
        let (subscription, task) = state.withLock { state in
            defer {
                state.subscription = nil
                state.delivering = nil
            }
            return (state.subscription, state.delivering)
        }
        subscription?.unsubscribe()
        inbound.close()
        await task?.value
        confirmPublished()
        connection.close()
    }

    private func deliver(_ message: NATSMessage) async {
        guard let topic = subjects.topic(ofSubject: message.subject) else { return }
        let heard = state.withLock { state in state.interests.values.contains { $0.hears(topic) } }
        guard heard else { return }
        let endpoint = self.endpoint.value
        do {
            let artifact = try NATSEnvelope.artifact(from: message)
            _ = try await endpoint.deliverInbound([artifact], to: topic)
        } catch let refused as NATSEnvelopeError {
            let standIn = Artifact(type: .octetStream, payload: message.body, metadata: message.headers)
            endpoint.deadLetter([standIn], reason: .malformedMessage, topic: topic, detail: "\(refused)")
        } catch {
            // Delivery was cancelled: the hub is shutting down.
        }
    }
}
