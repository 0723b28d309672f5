import Foundation
import Logging
import Manifold
import Synchronization

/// A hub transport that puts a run on NATS JetStream, so one graph's nodes can run in several
/// processes on several machines and survive the loss of one.
///
/// Every topic of the run is a subject (`NATSSubjects`) kept by one stream per run
/// (`NATSRunNames`). Each subscription of the graph — a node's input, a graph output, the run's
/// `$errors` — is a durable consumer per topic pattern: every process of the run declares all
/// of them before publishing, so what is published before a worker starts waits for it; the
/// instances of one node in any number of processes share its consumers, so each input is
/// processed once; and an input is acknowledged only once its node has finished it and what it
/// emitted is stored, so the input of a worker that died is delivered again, after the ack
/// wait, to another instance. Outputs of a redelivered input keep their ids
/// (`StreamerOptions.derivesOutputIDs`), and the stream stores a message id once.
///
/// Publishing returns once the server stored the artifacts. What no subscription of the graph
/// hears, or none accepts, is dead-lettered by the publisher as in process.
///
/// The process that runs the graph's inputs (`Role.coordinator`) decides when the run is done
/// (`RunQuiescence`) and deletes the stream at the end; a worker's run ends when the stream is
/// gone.
public final class JetStreamTransport: HubTransport {
    /// What this process does in the run.
    public enum Role: Sendable {
        /// Feeds the inputs, decides when the run is done, and removes its stream at the end.
        case coordinator
        /// Runs some of the nodes until the coordinator removes the run's stream.
        case worker
    }

    /// The run's names on the server.
    public let names: NATSRunNames
    /// The connection.
    public let jetStream: JetStream
    private let role: Role
    private let settings: JetStreamRunSettings
    private let logger: Logger?
    private let endpoint = AttachOnce<TransportEndpoint>()
    private let state = Mutex(State())

    private struct State {
        /// Every subscription of the graph, by name (local ones included).
        var declared: [String: TopicInterest] = [:] {
            didSet { audiences.removeAll() }
        }
        /// Who hears each topic published so far, until `declared` changes.
        var audiences: [Topic: [TopicInterest]] = [:]
        /// The consumers made so far.
        var consumers: Set<String> = []
        var streamReady = false
        /// Local subscriptions and their readers.
        var readers: [SubscriptionID: [ConsumerReader]] = [:]
        var localNames: [SubscriptionID: String] = [:]
        /// Why a local subscription could not be served; the next publish reports it.
        var failure: NATSError?
        /// The run's port registry, once opened.
        var registry: JetStreamKeyValue?
        /// The coordinator's watch on inputs the server gives up on.
        var givenUp: GivenUpInputs?
    }

    /// Connects to `server` for the run whose subjects are `subjects`.
    ///
    /// - Parameter logger: where trouble that does not stop the run is reported.
    /// - Throws: `NATSError` when the server cannot be reached (after `settings.connectAttempts`).
    public init(
        server: NATSServerURL, subjects: NATSSubjects, role: Role, settings: JetStreamRunSettings = JetStreamRunSettings(),
        logger: Logger? = nil
    ) throws(NATSError) {
        let connection = try NATSConnection(
            server: server, name: "manifold \(subjects.prefix) \(role)", attempts: settings.connectAttempts)
        jetStream = try JetStream(connection: connection)
        names = NATSRunNames(subjects: subjects)
        self.role = role
        self.settings = settings
        self.logger = logger
    }

    public func attach(_ endpoint: TransportEndpoint) {
        self.endpoint.set(endpoint, by: "NATS JetStream transport")
    }

    /// The run's port registry (`NATSRunNames.portRegistry`), where each process of the run
    /// registers the nodes it runs so that the others can check their types against them.
    /// Opened (and made, by whichever process comes first) on the first call; the coordinator
    /// deletes it when the run ends.
    ///
    /// - Throws: `NATSError` when the server refuses the bucket.
    public func portRegistry() throws(NATSError) -> JetStreamKeyValue {
        if let opened = state.withLock({ $0.registry }) { return opened }
        let opened = try JetStreamKeyValue(bucket: names.portRegistry, on: jetStream, maxAge: settings.maxAge)
        return state.withLock { state in
            if let earlier = state.registry { return earlier }
            state.registry = opened
            return opened
        }
    }

    // MARK: Subscriptions

    public func declare(_ interests: [TopicInterest]) async throws {
        try ensureStream()
        for interest in interests {
            state.withLock { state in
                if state.declared[interest.name] == nil { state.declared[interest.name] = interest }
            }
            try ensureConsumers(of: interest)
        }
    }

    public func interestAdded(_ interest: TopicInterest) {
        do throws(NATSError) {
            try ensureStream()
            state.withLock { state in
                state.declared[interest.name] = interest
                state.localNames[interest.subscription] = interest.name
            }
            let consumers = try ensureConsumers(of: interest)
            let endpoint = self.endpoint.value
            var readers: [ConsumerReader] = []
            for (index, consumer) in consumers.enumerated() {
                let pull = try jetStream.pull(consumer: consumer.name, stream: names.stream)
                readers.append(ConsumerReader(
                    interest: interest, index: index, consumer: consumer.name, pull: pull, endpoint: endpoint,
                    subjects: names.subjects, capacity: settings.capacity, logger: logger))
            }
            state.withLock { $0.readers[interest.subscription] = readers }
            for reader in readers { reader.start() }
        } catch {
            logger?.error("\(error)")
            state.withLock { $0.failure = error }
        }
    }

    public func interestRemoved(_ interest: TopicInterest) {
        let readers = state.withLock { state in
            state.localNames[interest.subscription] = nil
            return state.readers.removeValue(forKey: interest.subscription) ?? []
        }
        for reader in readers { reader.stop() }
    }

    public func remoteAudience(for topic: Topic) -> RemoteAudience {
        let listeners = state.withLock { state in
            let local = Set(state.localNames.values)
            return state.declared.values.filter { !local.contains($0.name) && $0.hears(topic) }.sorted { $0.name < $1.name }
        }
        return listeners.isEmpty ? .nobody : .listeners(listeners)
    }

    private func ensureStream() throws(NATSError) {
        guard !state.withLock({ $0.streamReady }) else { return }
        try jetStream.addStream(
            name: names.stream, subjects: [names.subjects.all], duplicateWindow: settings.duplicateWindow, maxAge: settings.maxAge)
        // The coordinator reports the run: it counts what the server gives up on, whichever
        // process's node failed to finish it.
        let givenUp = role == .coordinator ? try GivenUpInputs(jetStream: jetStream, names: names) : nil
        state.withLock { state in
            state.streamReady = true
            state.givenUp = givenUp
        }
    }

    /// Dead-letters the inputs the server gave up on since the last call.
    private func deadLetterGivenUpInputs(flushing: Bool) {
        guard let givenUp = state.withLock({ $0.givenUp }) else { return }
        givenUp.deadLetter(through: endpoint.value, subscriptions: { [self] in
            let declared = state.withLock { Array($0.declared.values) }
            return Dictionary(
                declared.flatMap { interest in names.consumers(of: interest).map { ($0.name, interest.name) } },
                uniquingKeysWith: { first, _ in first })
        }, flushing: flushing)
    }

    /// Makes the consumers of `interest` that this process has not made yet.
    @discardableResult
    private func ensureConsumers(of interest: TopicInterest) throws(NATSError) -> [(name: String, subject: String)] {
        let consumers = names.consumers(of: interest)
        for consumer in consumers where !state.withLock({ $0.consumers.contains(consumer.name) }) {
            try jetStream.addConsumer(
                JetStreamConsumer(
                    name: consumer.name, subject: consumer.subject, ackWait: settings.ackWait, maxDeliver: settings.maxDeliver,
                    maxAckPending: settings.capacity * 4),
                stream: names.stream)
            state.withLock { _ = $0.consumers.insert(consumer.name) }
        }
        return consumers
    }

    // MARK: Publishing

    public func publish(_ artifacts: [Artifact], to topic: Topic) async throws -> DeliveryReport {
        if let failure = state.withLock({ $0.failure }) { throw failure }
        let endpoint = self.endpoint.value
        // Counted and observed as in process: published, then delivered, refused or dead-lettered.
        endpoint.countPublished(artifacts, on: topic)
        let audience = state.withLock { state in
            if let known = state.audiences[topic] { return known }
            let heard = state.declared.values.filter { $0.hears(topic) }
            state.audiences[topic] = heard
            return heard
        }
        var report = DeliveryReport()
        guard !audience.isEmpty else {
            endpoint.deadLetter(artifacts, reason: .noSubscriber, topic: topic, detail: "no subscription of the graph listens to topic '\(topic)'")
            report.deadLettered = artifacts.count
            return report
        }
        var heard = artifacts
        if audience.allSatisfy({ $0.accepts != .any }) {
            heard = artifacts.filter { artifact in audience.contains { $0.accepts.accepts(artifact.type) } }
            if heard.count < artifacts.count {
                let refused = artifacts.filter { artifact in !audience.contains { $0.accepts.accepts(artifact.type) } }
                let who = audience.map { "'\($0.name)' accepts \($0.accepts)" }.sorted().joined(separator: "; ")
                endpoint.deadLetter(refused, reason: .rejectedType, topic: topic, detail: "no subscription of '\(topic)' accepts \(refused[0].type): \(who)")
                report.deadLettered = refused.count
                report.rejected = refused.count
            }
        }
        guard !heard.isEmpty else { return report }
        let subject = names.subjects.subject(for: topic)
        try await jetStream.publish(heard.map { NATSEnvelope.message(for: $0, subject: subject) })
        report.delivered = heard.count
        return report
    }

    // MARK: Completion

    public func waitUntilIdle() async {
        switch role {
        case .coordinator:
            let quiescence = RunQuiescence(jetStream: jetStream, stream: names.stream)
            var pause = Duration.milliseconds(1)
            while true {
                await endpoint.value.waitUntilLocallyIdle()
                deadLetterGivenUpInputs(flushing: false)
                let consumers = state.withLock { Array($0.consumers) }
                if quiescence.isQuiet(consumers: consumers), endpoint.value.localInFlight == 0 {
                    // An input given up on leaves its consumer quiet: its advisory is counted first.
                    deadLetterGivenUpInputs(flushing: true)
                    return
                }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(50))
            }
        case .worker:
            // The run is over when its coordinator removed the stream.
            while !Task.isCancelled, (try? jetStream.lastSequence(ofStream: names.stream)) != nil {
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    public func shutdown() async {
        let readers = state.withLock { state in
            defer { state.readers.removeAll() }
            return state.readers.values.flatMap { $0 }
        }
        for reader in readers { reader.stop() }
        for reader in readers { reader.waitUntilStopped() }
        state.withLock { $0.givenUp = nil }
        if role == .coordinator, !settings.keepsStream {
            do {
                try jetStream.deleteStream(names.stream)
                if state.withLock({ $0.registry != nil }) { try jetStream.deleteKeyValue(names.portRegistry) }
            } catch {
                logger?.warning("\(error); what the run kept on the server stays until it ages out")
            }
        }
        state.withLock { $0.registry = nil }
        jetStream.connection.close()
    }
}

/// How a run uses JetStream.
public struct JetStreamRunSettings: Sendable {
    /// How many unsettled inputs one subscription holds in a process (the hub's capacity).
    public var capacity: Int
    /// How long an instance has to finish an input before it goes to another.
    public var ackWait: Duration
    /// How many times an input is delivered at most.
    public var maxDeliver: Int
    /// How long the stream remembers a message id, so a message published again is stored once.
    public var duplicateWindow: Duration
    /// How long the stream keeps a message at most.
    public var maxAge: Duration
    /// Whether the coordinator leaves the stream on the server when the run ends.
    public var keepsStream: Bool
    /// How many times connecting is tried before the server is reported unreachable.
    public var connectAttempts: Int

    /// Settings; the defaults suit a run of minutes to hours.
    public init(
        capacity: Int = 1024, ackWait: Duration = .seconds(30), maxDeliver: Int = 5, duplicateWindow: Duration? = nil,
        maxAge: Duration = .seconds(7 * 24 * 3600), keepsStream: Bool = false, connectAttempts: Int = 5
    ) {
        self.capacity = capacity
        self.ackWait = ackWait
        self.maxDeliver = maxDeliver
        // Long enough that an input redelivered after every ack wait still finds its outputs' ids.
        self.duplicateWindow = duplicateWindow ?? max(.seconds(120), ackWait * (maxDeliver + 1))
        self.maxAge = maxAge
        self.keepsStream = keepsStream
        self.connectAttempts = connectAttempts
    }
}
