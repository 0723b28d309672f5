import Foundation
import Logging
import Manifold
import Synchronization

/// Reads one durable consumer into one local subscription, on a thread of its own (the C
/// client's fetch blocks): fetches no more than the subscription has room for, delivers each
/// message as an artifact, and acknowledges it once the subscription's reader has settled it.
///
/// A message is given back to the broker (for another instance) when the subscription closed
/// before taking it; one that is no artifact is dead-lettered and acknowledged.
final class ConsumerReader: Sendable {
    let interest: TopicInterest
    /// Which of the subscription's consumers this is: a message an earlier one also hears is
    /// left to that one, so overlapping patterns deliver it once.
    let index: Int
    let consumer: String
    private let pull: JetStreamPull
    private let endpoint: TransportEndpoint
    private let subjects: NATSSubjects
    private let capacity: Int
    private let logger: Logger?
    private let stopped = Atomic<Bool>(false)
    /// Signalled when a settled artifact frees room, so a full reader fetches again at once.
    private let room = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(
        interest: TopicInterest, index: Int, consumer: String, pull: JetStreamPull, endpoint: TransportEndpoint,
        subjects: NATSSubjects, capacity: Int, logger: Logger?
    ) {
        self.interest = interest
        self.index = index
        self.consumer = consumer
        self.pull = pull
        self.endpoint = endpoint
        self.subjects = subjects
        self.capacity = capacity
        self.logger = logger
    }

    /// Starts the reading thread.
    func start() {
        let thread = Thread { [self] in
            readUntilStopped()
            pull.stop()
            finished.signal()
        }
        thread.name = "manifold-nats-\(consumer)"
        thread.start()
    }

    /// Stops reading (without waiting: the subscription may be closing, and the thread may be
    /// waiting for it); what the thread fetched and did not deliver goes back to the broker.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        room.signal()
    }

    /// Waits until the thread has ended (after `stop()`), at most `timeout`.
    func waitUntilStopped(timeout: Duration = .seconds(5)) {
        if finished.wait(timeout: .now() + .milliseconds(Int(timeout.milliseconds))) == .success { finished.signal() }
    }

    private func readUntilStopped() {
        var failures = 0
        while !stopped.load(ordering: .acquiring) {
            let free = capacity - endpoint.unsettledAcknowledged(by: interest.subscription)
            guard free > 0 else {
                _ = room.wait(timeout: .now() + .milliseconds(50))
                continue
            }
            let messages: [JetStreamMessage]
            do {
                messages = try pull.fetch(limit: min(free, 256), timeout: .milliseconds(100))
                failures = 0
            } catch {
                if stopped.load(ordering: .acquiring) { break }
                // The client reconnects on its own; say so once, then keep trying quietly.
                if failures == 0 { logger?.warning("NATS consumer \(consumer) of '\(interest.name)': \(error); retrying") }
                failures += 1
                Thread.sleep(forTimeInterval: min(0.05 * Double(failures), 1))
                continue
            }
            guard !messages.isEmpty else { continue }
            deliver(messages)
        }
    }

    /// Delivers `messages` in order, blocking this thread until the subscription took them all
    /// (the subscription's backpressure reaches the broker this way). Consecutive messages of
    /// one topic are queued together, so the node sees them as one batch.
    private func deliver(_ messages: [JetStreamMessage]) {
        let done = DispatchSemaphore(value: 0)
        Task { [self] in
            // A consumer's messages mostly share a subject: its topic is worked out once.
            var lastTopic: (subject: String, topic: Topic?)?
            var run: [AcknowledgedDelivery] = []
            var runTopic: Topic?
            for message in messages {
                let subject = message.message.subject
                let topic = lastTopic?.subject == subject ? lastTopic?.topic : subjects.topic(ofSubject: subject)
                lastTopic = (subject, topic)
                guard let delivery = prepare(message, topic: topic), let topic else { continue }
                if let runTopic, runTopic != topic {
                    await deliver(run, topic: runTopic)
                    run.removeAll(keepingCapacity: true)
                }
                runTopic = topic
                run.append(delivery)
            }
            if let runTopic, !run.isEmpty { await deliver(run, topic: runTopic) }
            done.signal()
        }
        done.wait()
    }

    /// Queues `run` (all on `topic`) in the subscription; what it does not take goes back.
    private func deliver(_ run: [AcknowledgedDelivery], topic: Topic) async {
        guard !stopped.load(ordering: .acquiring) else {
            for delivery in run { delivery.onGivenBack() }
            return
        }
        for delivery in await endpoint.deliverAcknowledged(contentsOf: run, to: interest.subscription, topic: topic) {
            delivery.onGivenBack()
        }
    }

    /// `message` as a delivery for the subscription, or `nil` when it is not one: this reader
    /// stopped (given back), it is no artifact (dead-lettered), or another consumer of the
    /// subscription delivers it (acknowledged here).
    private func prepare(_ message: JetStreamMessage, topic: Topic?) -> AcknowledgedDelivery? {
        guard !stopped.load(ordering: .acquiring) else {
            message.giveBack()
            return nil
        }
        guard let topic else {
            message.acknowledge()
            return nil
        }
        if index > 0, interest.patterns.prefix(index).contains(where: { $0.matches(topic) }) {
            // An earlier pattern of the same subscription hears it too; that consumer delivers it.
            message.acknowledge()
            return nil
        }
        let artifact: Artifact
        do {
            artifact = try NATSEnvelope.artifact(from: message.message)
        } catch {
            let standIn = Artifact(type: .octetStream, payload: message.message.body, metadata: message.message.headers)
            endpoint.deadLetter([standIn], reason: .malformedMessage, topic: topic, detail: "\(error)")
            message.acknowledge()
            return nil
        }
        return AcknowledgedDelivery(
            artifact,
            onSettled: { [room] in
                message.acknowledge()
                room.signal()
            },
            onGivenBack: { [room] in
                message.giveBack()
                room.signal()
            })
    }
}
