import Foundation
import Synchronization

/// One generator with its middleware chain, its subscriptions and its output topic on a hub:
/// a running node of a graph.
///
/// `connect()` checks the node's types against the nodes already on the hub and subscribes;
/// `run()` processes inputs until the subscription ends (`stop()`, `Hub.close()`) or the
/// task is cancelled, then shuts the middleware and generator down in reverse order of
/// creation. Failures are counted in the report, published as `manifold/error` artifacts on
/// `Topic.errors`, and, under `ErrorPolicy.stop`, thrown from `run()`.
public final class Streamer: Sendable {
    /// The node id; also the subscription's name and the outputs' origin.
    public let name: String
    /// The hub the node lives on.
    public let hub: Hub
    /// The generator and its middleware.
    public let chain: ProcessingChain
    /// The topic patterns the node listens to.
    public let subscriptions: [TopicPattern]
    /// Where outputs are published; `nil` for a sink.
    public let output: Topic?
    /// The node's settings.
    public let options: StreamerOptions

    private let state: Mutex<State>
    /// Inputs inside the chain now. An atomic of its own, not a field of `state`: a watchdog
    /// reads it from a thread that must never wait, while a plugin may hold the node forever.
    let inputsInProgressCount = Atomic<Int>(0)

    private enum Phase { case idle, connected, running, finished }

    private struct State {
        var phase = Phase.idle
        var subscription: Subscription?
        var report: StreamerReport
        var isShutDown = false
    }

    /// Makes a Streamer; nothing is subscribed or checked until `connect()` or `run()`.
    ///
    /// - Parameters:
    ///   - hub: the hub to live on; pass the graph's shared hub. A private hub is made if none is given.
    ///   - middleware: wraps the generator, outermost first.
    public init(
        name: String, generator: any Generator, middleware: [any Middleware] = [],
        subscribeTo subscriptions: [TopicPattern], output: Topic?, hub: Hub = Hub(),
        options: StreamerOptions = StreamerOptions()
    ) {
        self.name = name
        self.hub = hub
        self.chain = ProcessingChain(generator: generator, middleware: middleware)
        self.subscriptions = subscriptions
        self.output = output
        self.options = options
        self.state = Mutex(State(report: StreamerReport(node: name)))
    }

    /// The node's declared ports, as checked on the hub.
    public var ports: NodePorts {
        NodePorts(
            node: wiringName, subscriptions: subscriptions, accepts: chain.generator.ports.inputs, output: output,
            emits: chain.generator.ports.outputs)
    }

    /// The node's name in the hub's wiring: its name, with `#N` for its N-th replica past the first.
    var wiringName: String {
        options.replica == 1 ? name : "\(name)#\(options.replica)"
    }

    /// The id of the node's subscription once connected, to deliver an input to this node
    /// alone (`Hub.send(_:to:)`): a resumed run hands each node what it had not settled.
    public var subscriptionID: SubscriptionID? {
        state.withLock { $0.subscription?.id }
    }

    /// What the Streamer has done so far.
    public var report: StreamerReport {
        state.withLock { $0.report }
    }

    /// How many inputs are inside the middleware chain or the generator right now. Readable
    /// from any thread without waiting on the node, so whoever ends a stuck run can say which
    /// node holds it up.
    public var inputsInProgress: Int {
        inputsInProgressCount.load(ordering: .relaxed)
    }

    /// Checks the node's types against every node on the hub and subscribes. Idempotent.
    ///
    /// - Throws: `WiringError` naming each mismatching edge; nothing is subscribed then.
    public func connect() throws {
        try state.withLock { state in
            guard state.phase == .idle else { return }
            try hub.connect(ports)
            state.subscription = hub.subscribe(
                subscriptions, name: name, accepts: chain.generator.ports.inputs,
                capacity: options.inputCapacity, policy: options.inputPolicy, buffer: options.inputBuffer)
            state.phase = .connected
        }
    }

    /// Stops taking new input; inputs already queued are still processed, then `run()` returns.
    public func stop() {
        state.withLock { $0.subscription }?.close()
    }

    /// Processes inputs until the subscription ends or the task is cancelled, then shuts down.
    ///
    /// - Returns: the report of everything processed.
    /// - Throws: `WiringError` from connecting; `StreamerError.stoppedOnFailure` under the
    ///   `stop` policy; `CancellationError` when cancelled (after shutting down, with queued
    ///   inputs dead-lettered).
    public func run() async throws -> StreamerReport {
        try connect()
        let subscription: Subscription = try state.withLock { state in
            guard state.phase == .connected, let subscription = state.subscription else {
                throw StreamerError.alreadyStarted(node: name)
            }
            state.phase = .running
            return subscription
        }
        let observers = hub.router.observers
        if observers.isActive { observers.emit(.nodeStarted(node: name)) }
        var stoppedBy: (any Error)?
        var inputs = subscription.makeAsyncIterator(settlingAutomatically: false)
        var unprocessed: [Artifact] = []
        do {
            if options.concurrency == 1 {
                try await processSequentially(&inputs, subscription: subscription, unprocessed: &unprocessed)
            } else {
                try await processConcurrently(&inputs, subscription: subscription)
            }
        } catch {
            stoppedBy = error
        }
        unprocessed += inputs.takeReadAhead()
        // What a broker delivered goes back to it, for another instance; the rest is reported.
        unprocessed = subscription.giveBack(unprocessed)
        if !unprocessed.isEmpty {
            // Read but never processed: report them like the queue a cancel drops.
            hub.deadLetter(
                unprocessed, reason: .subscriptionCancelled, topic: .deadLetter, by: name,
                detail: "node '\(name)' stopped before processing it")
            subscription.settle(unprocessed)
        }
        let cancelled = Task.isCancelled || stoppedBy is CancellationError
        if stoppedBy != nil { subscription.cancel() } else { subscription.close() }
        hub.disconnect(node: wiringName)
        if options.shutsDownWhenFinished { await shutdown() }
        let report = state.withLock { state in
            state.phase = .finished
            state.report.wasCancelled = cancelled
            return state.report
        }
        if observers.isActive { observers.emit(.nodeStopped(node: name, report: report)) }
        if let stoppedBy { throw stoppedBy }
        return report
    }

    /// Shuts the middleware and the generator down (last middleware first, generator last).
    /// Called by `run()` unless `StreamerOptions.shutsDownWhenFinished` is off; later calls do nothing.
    public func shutdown() async {
        let first = state.withLock { state in
            defer { state.isShutDown = true }
            return !state.isShutDown
        }
        if first { await chain.shutdown() }
    }

    /// One input at a time (queued inputs go to a `PipeliningGenerator` in batches, still
    /// processed one after another). Outputs a chain finished all at once (`emit(contentsOf:)`) are
    /// held while more inputs are already queued, and published in one batch when the queue
    /// runs dry (or `heldOutputsLimit` is reached); the inputs they came from count as in
    /// flight until then, so the hub cannot go idle with outputs still held.
    private func processSequentially(
        _ inputs: inout Subscription.AsyncIterator, subscription: Subscription, unprocessed: inout [Artifact]
    ) async throws {
        let held = HeldOutputs()
        let pipelining = pipeliningGenerator
        // Settled by name, not by count: over a broker each one is acknowledged.
        var unsettled: [Artifact] = []
        do {
            while let input = try await inputs.next() {
                guard !Task.isCancelled else {
                    unprocessed.append(input)
                    throw CancellationError()
                }
                if let pipelining, inputs.readAheadCount > 0, hopRefusal(of: input) == nil {
                    // More are queued: they go to the generator together (but for those past
                    // the hop limit, refused after the batch: they emit nothing).
                    var batch = [input]
                    var refused: [Artifact] = []
                    while batch.count < pipelining.pipelineLimit, inputs.readAheadCount > 0, let next = try await inputs.next() {
                        if hopRefusal(of: next) == nil { batch.append(next) } else { refused.append(next) }
                    }
                    var unstarted: [Artifact] = []
                    do {
                        try await handlePipelined(batch, by: pipelining, holdingOutputsIn: held, unstarted: &unstarted)
                    } catch {
                        unsettled += batch.dropLast(unstarted.count)
                        unprocessed += unstarted + refused
                        throw error
                    }
                    unsettled += batch
                    for input in refused {
                        unsettled.append(input)
                        try await handle(input, holdingOutputsIn: held)
                    }
                } else {
                    unsettled.append(input)
                    try await handle(input, holdingOutputsIn: held)
                }
                if inputs.readAheadCount == 0 || held.count >= Self.heldOutputsLimit {
                    try await publishHeld(held)
                    subscription.settle(unsettled)
                    unsettled.removeAll(keepingCapacity: true)
                }
            }
        } catch {
            // The input that failed and those before it were taken: whatever they left held is
            // published if the run goes on, dead-lettered (and counted) if it is being cancelled.
            if Task.isCancelled || error is CancellationError {
                deadLetterHeld(held)
            } else {
                try? await publishHeld(held)
            }
            subscription.settle(unsettled)
            throw error
        }
    }

    /// Most outputs held for one batch: past it they are published before the next input.
    public static let heldOutputsLimit = 256

    private func processConcurrently(_ inputs: inout Subscription.AsyncIterator, subscription: Subscription) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            while true {
                // Wait for a free slot before reading, so no input is read and then abandoned.
                if running == options.concurrency {
                    try await group.next()
                    running -= 1
                }
                guard let input = try await inputs.next() else { break }
                group.addTask {
                    defer { subscription.settle(input) }
                    try await self.handle(input)
                }
                running += 1
            }
            try await group.waitForAll()
        }
    }

    /// Runs one input through the chain; records, publishes and (policy `stop`) throws failures.
    ///
    /// - Parameter held: where outputs given to `emit(contentsOf:)` wait to be published with
    ///   a batch; without it they are published at once.
    private func handle(_ input: Artifact, holdingOutputsIn held: HeldOutputs? = nil) async throws {
        // Under a time limit, outputs are never held: a chain left behind must not add to a batch.
        let deadline = options.inputTimeout.map { _ in InputDeadline() }
        let context = makeContext(for: input, held: deadline == nil ? held : nil, deadline: deadline)
        let observers = hub.router.observers
        if observers.isActive { observers.emit(.inputBegan(node: name, input: input)) }
        inputsInProgressCount.add(1, ordering: .relaxed)
        defer { inputsInProgressCount.subtract(1, ordering: .relaxed) }
        let started = ContinuousClock.now
        do {
            if let refusal = hopRefusal(of: input) { throw refusal }
            if let deadline, let limit = options.inputTimeout {
                let chain = self.chain
                try await InputDeadline.run(node: name, limit: limit, grace: options.inputTimeoutGrace, deadline: deadline) {
                    try await chain.process(input, context: context)
                }
            } else {
                try await chain.process(input, context: context)
            }
            recordSuccess(of: input, startedAt: started, reportingWith: deadline == nil ? held : nil)
        } catch {
            try await recordFailure(error, of: input, startedAt: started, reportingWith: deadline == nil ? held : nil)
        }
    }

    /// The context one input is processed with: its emits are stamped and published (or held
    /// for the batch, or dead-lettered once its deadline abandoned it).
    func makeContext(for input: Artifact, held: HeldOutputs?, deadline: InputDeadline?) -> ProcessingContext {
        let ordinals = options.derivesOutputIDs ? OutputOrdinals() : nil
        return ProcessingContext(
            node: name, input: input,
            emitter: { [self] output in
                if let deadline, deadline.isAbandoned { return deadLetterLate(output, for: input) }
                // Outputs held from earlier inputs go first: the topic keeps the order of emits.
                if let held { try await publishHeld(held) }
                try await publishOutput(output, for: input, ordinals: ordinals)
            },
            rejecter: { [self] problem in rejectMalformedOutput(problem, for: input) },
            batchEmitter: held.map { held in { @Sendable [self] outputs in hold(outputs, for: input, in: held, ordinals: ordinals) } })
    }

    /// The failure of an input that has made as many hops as the node's limit allows; `nil`
    /// when it may be processed (or the node has no limit).
    func hopRefusal(of input: Artifact) -> HopLimitReached? {
        guard let limit = options.hopLimit, limit.maximum != .max else { return nil }
        let hops = HopLimit.hops(of: input)
        guard hops >= limit.maximum else { return nil }
        return HopLimitReached(
            node: name, hops: hops, limit: limit, correlationID: input.correlationID ?? input.id.rawValue, from: input.origin)
    }

    /// Counts an input that went through the chain.
    ///
    /// - Parameter held: the batch its outputs may be held in: observers then hear the input
    ///   is done once those outputs are published, never before (a journal must not record an
    ///   input settled whose outputs a crash could still lose).
    func recordSuccess(of input: Artifact, startedAt started: ContinuousClock.Instant, reportingWith held: HeldOutputs? = nil) {
        let elapsed = ContinuousClock.now - started
        let observers = hub.router.observers
        if observers.isActive {
            if let held {
                held.appendDone(input, duration: elapsed, succeeded: true)
            } else {
                observers.emit(.inputDone(node: name, input: input, duration: elapsed, succeeded: true))
            }
        }
        state.withLock { state in
            state.report.processed += 1
            state.report.busyTime += elapsed
            state.report.longestInput = max(state.report.longestInput, elapsed)
        }
    }

    /// Counts, reports, publishes on `$errors` and (when the failure says so) dead-letters an
    /// input the chain failed.
    ///
    /// - Throws: the cancellation, when the node is being cancelled; `StreamerError.stoppedOnFailure`
    ///   under policy `stop` or for a failure that ends the node.
    ///   `held` is as for `recordSuccess`.
    func recordFailure(
        _ error: any Error, of input: Artifact, startedAt started: ContinuousClock.Instant, reportingWith held: HeldOutputs? = nil
    ) async throws {
        if error is CancellationError && Task.isCancelled { throw error }
        let failure = ProcessingFailure(node: name, input: input.id, inputType: input.type, message: "\(error)")
        let elapsed = ContinuousClock.now - started
        let observers = hub.router.observers
        if observers.isActive {
            observers.emit(.nodeFailed(failure))
            if let held {
                held.appendDone(input, duration: elapsed, succeeded: false)
            } else {
                observers.emit(.inputDone(node: name, input: input, duration: elapsed, succeeded: false))
            }
        }
        let report = state.withLock { state in
            state.report.failed += 1
            state.report.busyTime += elapsed
            state.report.longestInput = max(state.report.longestInput, elapsed)
            if state.report.failures.count < options.failureHistoryLimit { state.report.failures.append(failure) }
            return state.report
        }
        if let deadLettering = error as? any DeadLetteringFailure {
            hub.deadLetter(
                [input], reason: deadLettering.deadLetterReason, topic: .deadLetter, by: name, detail: failure.description)
        }
        try await publishError(failure, for: input)
        if options.errorPolicy == .stop || error is any FatalNodeFailure {
            throw StreamerError.stoppedOnFailure(failure, report: report)
        }
    }

    private func publishOutput(_ artifact: Artifact, for input: Artifact, ordinals: OutputOrdinals?) async throws {
        guard let (output, topic) = stamped(artifact, for: input, ordinals: ordinals) else { return }
        try await hub.publish(output, to: topic)
        state.withLock { $0.report.emitted += 1 }
        if hub.router.observers.isActive { hub.router.observers.emit(.output(node: name, output: output, topic: topic, input: input.id)) }
    }

    /// The output as the node publishes it (its origin, the input's correlation id, with
    /// `ordinals` its id derived from the input's) and where, or `nil` when it cannot be
    /// published: a type the node does not declare, or no output topic; then it is counted and
    /// dead-lettered.
    private func stamped(_ artifact: Artifact, for input: Artifact, ordinals: OutputOrdinals?) -> (Artifact, Topic)? {
        var output = artifact
        // Written only when different: a write to an artifact shared with its emitter copies it.
        if output.origin != name { output.origin = name }
        if let ordinals { output.id = ArtifactID(derivedFrom: input.id, node: name, ordinal: ordinals.next()) }
        if output.correlationID == nil { output.correlationID = input.correlationID ?? input.id.rawValue }
        if options.hopLimit != nil { output.metadata[MetadataKey.hops] = String(HopLimit.hops(of: input) + 1) }
        if options.propagatesTraceContext, let trace = input.metadata[MetadataKey.traceParent].flatMap(TraceContext.init(traceParent:)) {
            output.metadata[MetadataKey.traceParent] = trace.child(spanID: TraceContext.spanID(node: name, input: input.id)).traceParent
        }
        guard chain.generator.ports.outputs.accepts(output.type) else {
            state.withLock { $0.report.rejectedOutputs += 1 }
            hub.deadLetter(
                [output], reason: .rejectedOutput, topic: self.output ?? .deadLetter, by: name,
                detail: "node '\(name)' emitted \(output.type), which its outputs \(chain.generator.ports.outputs) do not declare")
            return nil
        }
        guard let topic = self.output else {
            state.withLock { $0.report.rejectedOutputs += 1 }
            hub.deadLetter(
                [output], reason: .noOutputTopic, topic: .deadLetter, by: name,
                detail: "node '\(name)' emitted an artifact but has no output topic")
            return nil
        }
        return (output, topic)
    }

    /// An output of a chain the node stopped waiting for (its input timed out): counted as a
    /// rejected output and dead-lettered, never published after its input's failure.
    private func deadLetterLate(_ artifact: Artifact, for input: Artifact) {
        state.withLock { $0.report.rejectedOutputs += 1 }
        hub.deadLetter(
            [artifact], reason: .lateOutput, topic: output ?? .deadLetter, by: name,
            detail: "node '\(name)' emitted it for input \(input.id) after that input timed out")
    }

    /// Checks and stamps outputs given all at once, and holds them for the batch.
    private func hold(_ outputs: [Artifact], for input: Artifact, in held: HeldOutputs, ordinals: OutputOrdinals?) {
        var ready: [Artifact] = []
        ready.reserveCapacity(outputs.count)
        for artifact in outputs {
            if let (output, _) = stamped(artifact, for: input, ordinals: ordinals) { ready.append(output) }
        }
        held.append(ready, input: input.id)
    }

    /// Publishes the held outputs in one batch, in the order they were emitted.
    func publishHeld(_ held: HeldOutputs) async throws {
        let batch = held.take()
        defer { reportDone(batch.done) }
        guard !batch.outputs.isEmpty, let topic = output else { return }
        try await hub.publish(contentsOf: batch.outputs, to: topic)
        state.withLock { $0.report.emitted += batch.outputs.count }
        let observers = hub.router.observers
        if observers.isActive {
            for (output, input) in zip(batch.outputs, batch.inputs) {
                observers.emit(.output(node: name, output: output, topic: topic, input: input))
            }
        }
    }

    /// Tells observers the inputs of a batch are done, now that their outputs have left.
    private func reportDone(_ done: [(input: Artifact, duration: Duration, succeeded: Bool)]) {
        guard !done.isEmpty else { return }
        let observers = hub.router.observers
        for (input, duration, succeeded) in done { observers.emit(.inputDone(node: name, input: input, duration: duration, succeeded: succeeded)) }
    }

    /// Sends the held outputs to `$dead-letter`: the node is being cancelled before it could
    /// publish them.
    func deadLetterHeld(_ held: HeldOutputs) {
        let batch = held.take()
        defer { reportDone(batch.done) }
        guard !batch.outputs.isEmpty else { return }
        hub.deadLetter(
            batch.outputs, reason: .subscriptionCancelled, topic: output ?? .deadLetter, by: name,
            detail: "node '\(name)' was cancelled before it published it")
    }

    /// Counts an output that was no artifact as rejected and dead-letters an empty stand-in
    /// whose detail is `problem`, so the run reports the real reason.
    private func rejectMalformedOutput(_ problem: String, for input: Artifact) {
        state.withLock { $0.report.rejectedOutputs += 1 }
        let standIn = Artifact(
            type: .octetStream, payload: Data(), origin: name, correlationID: input.correlationID ?? input.id.rawValue)
        hub.deadLetter([standIn], reason: .malformedOutput, topic: output ?? .deadLetter, by: name, detail: problem)
    }

    private func publishError(_ failure: ProcessingFailure, for input: Artifact) async throws {
        guard hub.hasSubscribers(.errors) else { return }
        try await hub.publish(.errorReport(node: failure.node, message: failure.message, input: input), to: .errors)
    }
}

/// Outputs a node finished all at once, waiting to be published with the rest of a batch,
/// with the id of the input each came from (for the run's observers).
final class HeldOutputs: Sendable {
    /// What is held: outputs with the id of the input each came from, and the inputs the batch
    /// finished, whose `inputDone` waits for the outputs (only while someone observes).
    struct Batch {
        var outputs: [Artifact] = []
        var inputs: [ArtifactID] = []
        var done: [(input: Artifact, duration: Duration, succeeded: Bool)] = []
    }

    private let state = Mutex(Batch())

    /// How many outputs are held.
    var count: Int { state.withLock { $0.outputs.count } }

    func append(_ outputs: [Artifact], input: ArtifactID) {
        state.withLock { state in
            state.outputs.append(contentsOf: outputs)
            state.inputs.append(contentsOf: repeatElement(input, count: outputs.count))
        }
    }

    func appendDone(_ input: Artifact, duration: Duration, succeeded: Bool) {
        state.withLock { $0.done.append((input, duration, succeeded)) }
    }

    /// Everything held, in order; nothing is held afterwards.
    func take() -> Batch {
        state.withLock { state in
            defer { state = Batch() }
            return state
        }
    }
}
