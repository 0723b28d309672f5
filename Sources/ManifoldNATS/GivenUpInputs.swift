import Foundation
import Manifold

/// The inputs the server gave up on — delivered `maxDeliver` times without a node finishing
/// them — found through its advisories, each dead-lettered (`deliveries-exhausted`) with the
/// message the stream kept, so nothing leaves a run without being counted.
final class GivenUpInputs: Sendable {
    private let advisories: NATSQueuedSubscription
    private let jetStream: JetStream
    private let names: NATSRunNames

    /// What the server says when it gives up on a message (`io.nats.jetstream.advisory.v1.max_deliver`).
    private struct Advisory: Decodable {
        var consumer: String
        var streamSequence: UInt64
        var deliveries: Int

        enum CodingKeys: String, CodingKey {
            case consumer
            case streamSequence = "stream_seq"
            case deliveries
        }
    }

    /// Listens for the advisories of the run whose names are `names`.
    ///
    /// - Throws: `NATSError` when the server refuses the subscription.
    init(jetStream: JetStream, names: NATSRunNames) throws(NATSError) {
        self.jetStream = jetStream
        self.names = names
        advisories = try jetStream.connection.subscribeQueued("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.\(names.stream).*")
    }

    /// Dead-letters, through `endpoint`, each input given up on since the last call.
    ///
    /// - Parameters:
    ///   - subscriptions: the name of the subscription each consumer serves, for the report;
    ///     worked out only when the server gave up on something.
    ///   - flushing: whether to make sure first that every advisory the server sent so far has
    ///     arrived (one round trip): before the run is declared done.
    func deadLetter(through endpoint: TransportEndpoint, subscriptions subscriptionNames: () -> [String: String], flushing: Bool) {
        if flushing { try? jetStream.connection.flush() }
        let advisoriesTaken = advisories.takeAll()
        guard !advisoriesTaken.isEmpty else { return }
        let subscriptions = subscriptionNames()
        let decoder = JSONDecoder()
        for message in advisoriesTaken {
            guard let advisory = try? decoder.decode(Advisory.self, from: message.body) else { continue }
            let stored = try? jetStream.message(inStream: names.stream, sequence: advisory.streamSequence)
            let topic = stored.flatMap { names.subjects.topic(ofSubject: $0.subject) } ?? Topic.deadLetter
            var artifact: Artifact
            if let stored, let decoded = try? NATSEnvelope.artifact(from: stored) {
                artifact = decoded
            } else {
                // Aged out of the stream, or no artifact: what is known stands in for it.
                artifact = Artifact(
                    type: .octetStream, payload: stored?.body ?? Data(), metadata: stored?.headers ?? [:])
            }
            let reader = subscriptions[advisory.consumer].map { "'\($0)'" } ?? "consumer \(advisory.consumer)"
            endpoint.deadLetter(
                [artifact], reason: .deliveriesExhausted, topic: topic,
                detail: "delivered \(advisory.deliveries) times to \(reader) (stream sequence \(advisory.streamSequence)) and never "
                    + "finished: each instance that took it crashed or hung on it, and the server gave up (hub.maxDeliver); "
                    + "if it only needs longer, raise hub.ackWaitSeconds")
        }
    }

    /// Messages the client dropped because they were not taken in time.
    var droppedCount: Int64 { advisories.droppedCount }
}
