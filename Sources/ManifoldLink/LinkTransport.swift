import Manifold
import ManifoldWire
import Synchronization

/// A hub transport that links two hubs over a connected stream socket: each hub delivers
/// what is published on it to its own subscriptions and forwards, as `ManifoldWire` frames,
/// what the other hub's subscriptions take.
///
/// ```swift
/// let (left, right) = try LinkTransport.pair()
/// let producerHub = Hub(options: HubOptions(transport: left))
/// let consumerHub = Hub(options: HubOptions(transport: right))
/// ```
///
/// What the hub promises in one process holds across the link:
/// - **Interest.** Each side announces its subscriptions (patterns and accepted types) as they
///   are made and removed; a publish is forwarded only when the peer has a subscription that
///   hears the topic and accepts the artifact's type, so nothing crosses the link in vain.
/// - **Delivery reports and backpressure.** A publish that crosses the link waits for the
///   peer's report: the artifacts were queued (or dropped, refused, dead-lettered there, by
///   the peer's policies). A full `block` subscription on the peer holds the publisher here
///   exactly as it would in one process, and cancelling that publisher cancels the delivery
///   there (the peer dead-letters with `publish-cancelled`).
/// - **Dead letters.** What no subscription on either side takes is dead-lettered once, on
///   the hub where it was published (`no-subscriber`, `rejected-type`), with the refusals of
///   the peer's subscriptions counted in the report.
/// - **Completion.** `waitUntilIdle()` returns once neither hub has anything in flight or on
///   the way: a hub that is idle here probes the peer, which answers once it is idle too,
///   and the answer counts only if nothing arrived here in between (see `LinkCompletion`).
///
/// Announcing interest is asynchronous, as with any broker: a subscription made on one hub is
/// heard by the other once its announcement has crossed. `synchronize()` waits for that.
/// When the link closes (peer gone, `shutdown()`), waiting publishes fail with
/// `LinkError.closed`, the peer's interest is forgotten, and the hub carries on alone.
public final class LinkTransport: HubTransport {
    private let socket: LinkSocket
    private let endpoint = AttachOnce<TransportEndpoint>()
    private let state = Mutex(LinkState())
    let completion = LinkCompletion()

    /// A transport over a connected stream socket, which it now owns.
    public convenience init(connectedSocket descriptor: Int32) {
        self.init(socket: LinkSocket(descriptor: descriptor))
    }

    init(socket: LinkSocket) {
        self.socket = socket
    }

    deinit {
        // A hub dropped without `shutdown()` still ends its link: the peer reads an end of
        // stream and this side's reading thread exits and closes the descriptor.
        socket.shutDown()
    }

    /// Two transports linked by a Unix socket pair, for two hubs in one process.
    public static func pair() throws -> (LinkTransport, LinkTransport) {
        let (left, right) = try LinkSocket.pair()
        return (LinkTransport(socket: left), LinkTransport(socket: right))
    }

    // MARK: HubTransport

    public func attach(_ endpoint: TransportEndpoint) {
        self.endpoint.set(endpoint, by: "link transport")
        socket.startReading(
            onFrame: { [weak self] frame throws(LinkError) in try self?.receive(frame) },
            onEnd: { [weak self] failure in self?.linkEnded(failure) })
    }

    public func publish(_ artifacts: [Artifact], to topic: Topic) async throws -> DeliveryReport {
        let audience = remoteAudience(for: topic)
        var report = try await endpoint.value.deliverPublished(artifacts, to: topic, audience: audience)
        let forwarded = artifacts.filter { audience.mayAccept($0.type) }
        guard !forwarded.isEmpty else { return report }
        report.add(try await forward(forwarded, to: topic))
        return report
    }

    public func interestAdded(_ interest: TopicInterest) {
        try? socket.send([LinkMessage.interestAdded(RemoteInterest(interest)).frame])
    }

    public func interestRemoved(_ interest: TopicInterest) {
        try? socket.send([LinkMessage.interestRemoved(subscription: interest.subscription.rawValue).frame])
    }

    public func remoteAudience(for topic: Topic) -> RemoteAudience {
        let listeners = state.withLock { state in
            state.remoteInterest.values.filter { $0.hears(topic) }.sorted { $0.subscription < $1.subscription }
        }
        return listeners.isEmpty ? .nobody : .listeners(listeners)
    }

    public func waitUntilIdle() async {
        await completion.waitUntilIdle(endpoint: endpoint.value) { [self] number in
            try? socket.send([LinkMessage.idleProbe(number).frame])
        }
    }

    public func shutdown() async {
        // Forget the peer before the socket goes, so a publish racing this call finds the hub
        // alone (local delivery, dead letters) instead of a half-closed link.
        linkEnded(.closed(reason: "the link was shut down"))
        socket.shutDown()
    }

    // MARK: Synchronising

    /// Returns once every message the peer sent before it received this call's ping has been
    /// handled here — in particular the interest of every subscription the peer had made.
    ///
    /// - Throws: `LinkError.closed` if the link closes first.
    public func synchronize() async throws {
        let number = state.withLock { state -> UInt64 in
            state.nextPing += 1
            return state.nextPing
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let closed: LinkError? = state.withLock { state in
                if let closed = state.closed { return closed }
                state.pings[number] = continuation
                return nil
            }
            if let closed { return continuation.resume(throwing: closed) }
            do { try socket.send([LinkMessage.ping(number).frame]) } catch {
                if let waiting = state.withLock({ $0.pings.removeValue(forKey: number) }) { waiting.resume(throwing: error) }
            }
        }
    }

    // MARK: Forwarding

    private func forward(_ artifacts: [Artifact], to topic: Topic) async throws -> DeliveryReport {
        let sequence = state.withLock { state -> UInt64 in
            state.nextSequence += 1
            return state.nextSequence
        }
        completion.sendStarted()
        defer { completion.sendFinished() }
        let outcome: Result<PublishOutcome, any Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<PublishOutcome, any Error>, Never>) in
                let closed: LinkError? = state.withLock { state in
                    if let closed = state.closed { return closed }
                    state.pending[sequence] = continuation
                    return nil
                }
                if let closed { return continuation.resume(returning: .failure(closed)) }
                let frames = [LinkMessage.publish(sequence: sequence, topic: topic.name, count: artifacts.count).frame]
                    + artifacts.map(WireFrame.artifact)
                do { try socket.send(frames) } catch {
                    if let waiting = state.withLock({ $0.pending.removeValue(forKey: sequence) }) {
                        waiting.resume(returning: .failure(error))
                    }
                }
            }
        } onCancel: {
            try? socket.send([LinkMessage.cancel(sequence: sequence).frame])
        }
        switch try outcome.get() {
        case .delivered(let report): return report
        case .cancelled: throw CancellationError()
        }
    }

    // MARK: Receiving (on the link's reading thread: decode and dispatch, never wait)

    private func receive(_ frame: WireFrame) throws(LinkError) {
        switch frame {
        case .artifact(let artifact):
            let publish = state.withLock { state -> InboundPublish? in
                guard var publish = state.inbound else { return nil }
                publish.artifacts.append(artifact)
                if publish.artifacts.count < publish.count {
                    state.inbound = publish
                    return nil
                }
                state.inbound = nil
                return publish
            }
            if let publish { deliverInbound(publish) }
        case .control(let kind, let header, _):
            try handle(try LinkMessage(kind: kind, header: header))
        }
    }

    private func handle(_ message: LinkMessage) throws(LinkError) {
        switch message {
        case .interestAdded(let interest):
            let patterns: [TopicPattern]
            do { patterns = try interest.patterns.map(TopicPattern.init) } catch {
                throw .protocolViolation("the peer announced a malformed topic pattern: \(error)")
            }
            let heard = TopicInterest(
                subscription: SubscriptionID(rawValue: interest.subscription), name: interest.name,
                patterns: patterns, accepts: interest.accepts)
            state.withLock { $0.remoteInterest[interest.subscription] = heard }
        case .interestRemoved(let subscription):
            state.withLock { _ = $0.remoteInterest.removeValue(forKey: subscription) }
        case .publish(let sequence, let topicName, let count):
            guard count > 0 else { throw .protocolViolation("a publish of no artifacts") }
            let topic: Topic
            do { topic = try Topic(topicName) } catch {
                throw .protocolViolation("the peer published to a malformed topic: \(error)")
            }
            try state.withLock { (state: inout LinkState) throws(LinkError) in
                guard state.inbound == nil else { throw .protocolViolation("a publish began inside another") }
                state.inbound = InboundPublish(sequence: sequence, topic: topic, count: count)
            }
            completion.noteArrival()
        case .report(let sequence, let report, let cancelled):
            resolve(sequence, with: .success(cancelled ? .cancelled : .delivered(report)))
        case .failed(let sequence, let message):
            resolve(sequence, with: .failure(LinkError.remoteFailure(message)))
        case .cancel(let sequence):
            state.withLock { $0.deliveries[sequence] }?.cancel()
        case .idleProbe(let number):
            let endpoint = endpoint.value
            Task { [completion, socket] in
                await completion.waitUntilLocallyQuiet(endpoint: endpoint)
                try? socket.send([LinkMessage.idleReply(number).frame])
            }
        case .idleReply(let number):
            completion.replyArrived(number)
        case .ping(let number):
            try socket.send([LinkMessage.pong(number).frame])
        case .pong(let number):
            state.withLock { $0.pings.removeValue(forKey: number) }?.resume()
        }
    }

    private func deliverInbound(_ publish: InboundPublish) {
        let endpoint = endpoint.value
        // Stored under the lock the task takes to remove itself, so it cannot finish first.
        state.withLock { state in
            state.deliveries[publish.sequence] = Task { [socket, weak self] in
                let reply: LinkMessage
                do {
                    let report = try await endpoint.deliverInbound(publish.artifacts, to: publish.topic)
                    reply = .report(sequence: publish.sequence, report: report, cancelled: false)
                } catch is CancellationError {
                    reply = .report(sequence: publish.sequence, report: DeliveryReport(), cancelled: true)
                } catch {
                    reply = .failed(sequence: publish.sequence, message: "\(error)")
                }
                self?.state.withLock { _ = $0.deliveries.removeValue(forKey: publish.sequence) }
                try? socket.send([reply.frame])
            }
        }
    }

    private func resolve(_ sequence: UInt64, with outcome: Result<PublishOutcome, any Error>) {
        state.withLock { $0.pending.removeValue(forKey: sequence) }?.resume(returning: outcome)
    }

    private func linkEnded(_ failure: LinkError?) {
        let closed = failure ?? .closed(reason: "the peer closed the link")
        let (pending, pings) = state.withLock { state in
            if state.closed == nil { state.closed = closed }
            state.remoteInterest.removeAll()
            defer {
                state.pending.removeAll()
                state.pings.removeAll()
            }
            return (state.pending.values, state.pings.values)
        }
        for waiting in pending { waiting.resume(returning: .failure(closed)) }
        for waiting in pings { waiting.resume(throwing: closed) }
        completion.linkClosed()
    }
}

/// What the peer made of one forwarded publish.
enum PublishOutcome: Sendable {
    case delivered(DeliveryReport)
    case cancelled
}

/// A publish whose artifact frames are still arriving.
struct InboundPublish: Sendable {
    let sequence: UInt64
    let topic: Topic
    let count: Int
    var artifacts: [Artifact] = []
}

/// The link's mutable state, behind one lock.
struct LinkState {
    var remoteInterest: [UInt64: TopicInterest] = [:]
    var nextSequence: UInt64 = 0
    var pending: [UInt64: CheckedContinuation<Result<PublishOutcome, any Error>, Never>] = [:]
    var deliveries: [UInt64: Task<Void, Never>] = [:]
    var inbound: InboundPublish?
    var nextPing: UInt64 = 0
    var pings: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    var closed: LinkError?
}
