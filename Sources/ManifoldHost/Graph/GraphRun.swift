import DequeModule
import Foundation
import Logging
import Manifold
import ManifoldJSON
import ManifoldManifest
import ManifoldNATS
import Synchronization

/// Artifacts to feed into one of a graph's inputs, possibly as they arrive (lines typed on
/// standard input, say).
///
/// A feed is pulled a batch at a time. `GraphRun.stop()` stops it from reading more: what it
/// already handed out is published, and it is asked for nothing further.
public struct GraphInputFeed: Sendable {
    /// The graph input's name.
    public var input: String
    let next: @Sendable () async -> [Artifact]?
    let stopReading: @Sendable () -> Void

    /// A feed pulled a batch at a time: `next` returns the next artifacts to publish, in order,
    /// or `nil` once the feed has ended; after `stop` it returns `nil` (at once, if it waits).
    /// `next` is called from one task at a time, and is also ended by cancelling that task.
    public init(input: String, next: @escaping @Sendable () async -> [Artifact]?, stop: @escaping @Sendable () -> Void) {
        self.input = input
        self.next = next
        self.stopReading = stop
    }

    /// A feed of artifacts that arrive over time. A stop abandons the wait for the next one.
    public init(input: String, stream: AsyncStream<Artifact>) {
        let iterator = StreamIteratorBox(stream.makeAsyncIterator())
        self.init(input: input, next: { await iterator.next().map { [$0] } }, stop: {})
    }

    /// A feed of artifacts known up front; all of them are published, even after a stop.
    public init(input: String, artifacts: [Artifact]) {
        let remaining = HandedOutOnce(artifacts)
        self.init(input: input, next: { remaining.take() }, stop: {})
    }
}

/// Artifacts handed out once, as one batch.
private final class HandedOutOnce: Sendable {
    private let artifacts: Mutex<[Artifact]?>

    init(_ artifacts: [Artifact]) {
        self.artifacts = Mutex(artifacts)
    }

    func take() -> [Artifact]? {
        artifacts.withLock { artifacts in
            defer { artifacts = nil }
            return artifacts
        }
    }
}

/// An `AsyncStream`'s iterator, which a feed's `next` advances from one task at a time.
private final class StreamIteratorBox: @unchecked Sendable {
    private var iterator: AsyncStream<Artifact>.Iterator

    init(_ iterator: AsyncStream<Artifact>.Iterator) {
        self.iterator = iterator
    }

    func next() async -> Artifact? {
        await iterator.next()
    }
}

/// What a finished run did.
public struct GraphRunReport: Sendable {
    /// Each node's report, in manifest order.
    public var nodes: [StreamerReport]
    /// The hub's counters at the end.
    public var hub: HubStatistics
    /// Dead letters seen during the run (at most the last 100).
    public var deadLetters: [Artifact]
    /// Wall time of the run.
    public var duration: Duration
    /// Whether it ended by `stop()` (Ctrl-C) rather than by finishing its work.
    public var wasStopped: Bool
    /// Outputs delivered per graph output.
    public var outputs: [String: Int]
    /// Source nodes whose source ended with an error, and the error, by node.
    public var failedSources: [String: String] = [:]
    /// Artifacts published on each graph input by its feed, by input name.
    public var inputsFed: [String: Int] = [:]
    /// Artifacts a feed handed out that were not published, because the run was cancelled
    /// while the feed was producing them (a stop or cancellation during the wait).
    public var inputsNotFed = 0

    /// Inputs that failed across all nodes, plus the sources that failed.
    public var failures: Int { nodes.reduce(0) { $0 + $1.failed } + failedSources.count }
}

/// A graph built from a valid manifest: plugin instances created, Streamers wired on one hub.
///
/// `run` feeds the inputs, streams outputs to a callback as they arrive, waits until no
/// artifact is in flight anywhere (which also ends graphs with cycles), then closes the
/// hub, lets every node drain, and shuts the nodes down in reverse order of creation.
public final class GraphRun: Sendable {
    /// The manifest.
    public let manifest: GraphManifest
    /// The hub every node lives on.
    public let hub: Hub
    /// This run's id.
    public let runID: String
    /// The nodes run here, in manifest order (a node's replicas one after another).
    public let streamers: [Streamer]
    /// Which part of the graph this process runs.
    public let placement: GraphPlacement
    /// What this process registered in a distributed run's port registry.
    private let registration: PortRegistration?
    /// The nodes whose plugin emits on its own (`manifold.source`), with where they publish.
    private let sources: [(node: String, output: Topic, source: any SourceRunner, errorPolicy: ErrorPolicy)]
    private let stopped = Atomic<Bool>(false)
    private let failedSources = Mutex<[String: String]>([:])
    private let feeding = Mutex(FeedingState())
    private let logger: Logger
    /// Masked in every error the host reports for a node: the graph's `${…}` values.
    private let substituted: SubstitutedValues
    /// Whether the run carries a W3C trace context on its artifacts (`MetadataKey.traceParent`).
    public let isTraced: Bool

    /// Builds the graph: one instance per node and middleware, connected and type-checked on a hub.
    ///
    /// Every value substituted from the environment (`${NAME}`) is shown as `***` in what the
    /// run reports about a node: a plugin's `create` error, a failed input (recorded, on
    /// `$errors`, and under the `stop` policy thrown), a failed source.
    ///
    /// - Throws: `GraphBuildError` listing the diagnostics when `validation` has errors, or the
    ///   first plugin `create` failure (instances made before it are shut down).
    ///
    /// - Parameters:
    ///   - transport: where the hub's topics live; the manifest's `hub.transport` when `nil`.
    ///   - runID: tells this run from others on a shared transport (a NATS server's subjects).
    ///   - placement: the nodes this process runs (each with its `replicas`), and whether it
    ///     coordinates the run or works for it; the whole graph by default.
    ///   - durability: for a run recorded in a journal, or resumed from one: outputs then get
    ///     ids derived from their inputs, plugin state is saved after each input and loaded at
    ///     creation, and inputs settled before are skipped (see `DurableRunOptions`).
    /// - Throws: also the transport's error (a NATS server that cannot be reached), before any
    ///   instance is made.
    public init(
        validation: GraphValidation, logger: Logger, transport: HubSettings.Transport? = nil, runID: String = RunID.make(),
        placement: GraphPlacement = .everything, durability: DurableRunOptions? = nil, traced: Bool = false
    ) async throws {
        self.isTraced = traced
        guard validation.isValid, let manifest = validation.manifest else {
            throw GraphBuildError(diagnostics: validation.errors)
        }
        self.manifest = manifest
        self.logger = logger
        self.runID = runID
        let substituted = SubstitutedValues(manifest: manifest)
        self.substituted = substituted
        self.placement = placement
        let transportChoice = transport ?? manifest.hub.transport
        let hubTransport = try transportChoice.makeTransport(
            graph: manifest.name, run: runID, settings: manifest.hub, role: placement.role, logger: logger)
        let hub = Hub(options: HubOptions(manifest.hub, transport: hubTransport))
        self.hub = hub
        // Before any plugin instance is made: a process whose nodes do not fit the others'
        // runs no plugin code for the run.
        var registration: PortRegistration?
        do {
            try await hub.declare(Self.interests(of: manifest, validation: validation, placement: placement))
            if let jetStream = hubTransport as? JetStreamTransport {
                registration = try await Self.registerPorts(
                    of: validation, manifest: manifest, placement: placement, on: jetStream, hub: hub, logger: logger)
            }
        } catch {
            await hub.shutdown()
            throw error
        }
        self.registration = registration
        var streamers: [Streamer] = []
        var sources: [(node: String, output: Topic, source: any SourceRunner, errorPolicy: ErrorPolicy)] = []
        do {
            for node in manifest.nodes where placement.runs(node.id) {
                // In process, a node's replicas share one Streamer (see `ReplicaPool`); on a
                // broker each is a Streamer, and the broker shares the inputs out.
                let pooled = !transportChoice.redelivers && node.replicas > 1
                for replica in 1...(pooled ? 1 : node.replicas) {
                    guard let plugin = validation.provider(for: node) else {
                        throw GraphBuildError(diagnostics: [GraphDiagnostic(
                            .error, file: validation.file, path: "$.nodes.\(node.id).plugin", message: "plugin '\(node.plugin)' is not loaded")])
                    }
                    let makeGenerator: @Sendable () async throws -> any Generator = {
                        if let isolated = plugin as? ProcessPlugin {
                            do {
                                return try await isolated.isolatedGenerator(for: node, logger: logger)
                            } catch {
                                throw substituted.mask(error)
                            }
                        }
                        return try substituted.masking { try plugin.generator(for: node.id, config: node.config, logger: logger) }
                    }
                    let prepare = Self.preparation(for: node.id, durability: durability, substituted: substituted, logger: logger)
                    var cancelGrace: Duration = .seconds(1)
                    /// One instance of the node (per conversation, the first of its instances), ready to process.
                    func makeInstance() async throws -> any Generator {
                        // The first instance is made now even per conversation: a config its plugin
                        // refuses fails the build, not the first conversation.
                        var generator = try await ConfigRefusal.placing(file: validation.file, path: "$.nodes.\(node.id).config") {
                            try await makeGenerator()
                        }
                        if let isolated = generator as? IsolatedGenerator { cancelGrace = isolated.cancelGrace + .seconds(1) }
                        if let source = (generator as? any SourceGenerator)?.sourceRunner, let output = node.output {
                            sources.append((node.id, output, source, node.errorPolicy))
                        }
                        if node.instances.scope == .perCorrelation {
                            generator = PerCorrelationGenerator(
                                firstInstance: generator, idleTimeout: .milliseconds(Int64((node.instances.idleSeconds * 1000).rounded(.up))),
                                maximumInstances: node.instances.maximum, prepare: { instance, conversation in try prepare(instance, conversation) },
                                makeInstance: { _ in try await makeGenerator() })
                        } else {
                            do {
                                generator = try prepare(generator, nil)
                            } catch {
                                await generator.shutdown()
                                throw error
                            }
                        }
                        if let settled = durability?.settledInputs {
                            generator = SettledInputFilter(generator, settled: settled[node.id] ?? [])
                        }
                        return generator
                    }
                    var generator = try await makeInstance()
                    if pooled {
                        var instances = [generator]
                        do {
                            while instances.count < node.replicas { instances.append(try await makeInstance()) }
                        } catch {
                            for instance in instances.reversed() { await instance.shutdown() }
                            throw error
                        }
                        generator = ReplicaPool(instances, placesPerInstance: node.concurrency)
                    }
                    let nodeConcurrency = node.concurrency * (pooled ? node.replicas : 1)
                    var middleware: [any Middleware] = []
                    do {
                        for (index, layer) in node.middleware.enumerated() {
                            guard let layerPlugin = validation.plugins[layer.plugin] else { continue }
                            middleware.append(
                                try await ConfigRefusal.placing(file: validation.file, path: "$.nodes.\(node.id).middleware[\(index)].config") {
                                    try substituted.masking { try layerPlugin.middleware(for: node.id, config: layer.config, logger: logger) }
                                })
                        }
                    } catch {
                        for layer in middleware.reversed() { await layer.shutdown() }
                        await generator.shutdown()
                        throw error
                    }
                    // Inputs waiting for a person do not take the plugin's places: the node lets
                    // that many more in, and a gate after the last such middleware keeps the rest
                    // of the chain at the node's concurrency.
                    var concurrency = nodeConcurrency
                    if let innermost = middleware.lastIndex(where: { $0 is any ParkingMiddleware }) {
                        concurrency += middleware.compactMap { ($0 as? any ParkingMiddleware)?.maximumParked }.reduce(0, +)
                        middleware.insert(ConcurrencyGate(limit: nodeConcurrency), at: innermost + 1)
                    }
                    // Outermost, so that every failure of the node's chain passes through it before
                    // the Streamer records and publishes it.
                    if !substituted.isEmpty { middleware.insert(SubstitutedValueMasking(values: substituted), at: 0) }
                    let streamer = Streamer(
                        name: node.id, generator: generator, middleware: middleware, subscribeTo: node.subscribe,
                        output: node.output, hub: hub,
                        options: StreamerOptions(
                            inputCapacity: node.capacity, inputPolicy: node.policy, concurrency: concurrency,
                            errorPolicy: node.errorPolicy, shutsDownWhenFinished: false,
                            inputTimeout: node.inputTimeoutSeconds.map { .milliseconds(Int64(($0 * 1000).rounded(.up))) },
                            // An isolated call that ignores its cancel ends with its worker, killed
                            // after the cancel grace: the node waits for that rather than leave it.
                            inputTimeoutGrace: cancelGrace,
                            derivesOutputIDs: transportChoice.redelivers || durability != nil, replica: replica,
                            hopLimit: manifest.countsHops
                                ? manifest.hopLimit(of: node).map { HopLimit(maximum: $0.maximum, source: $0.source) } ?? .countingOnly
                                : nil,
                            propagatesTraceContext: traced))
                    streamers.append(streamer)
                }
            }
            for input in manifest.inputs {
                try hub.connect(NodePorts(node: "input:\(input.name)", output: input.topic, emits: input.types))
            }
            for streamer in streamers { try streamer.connect() }
        } catch {
            for streamer in streamers.reversed() { await streamer.shutdown() }
            registration?.withdraw()
            await hub.shutdown()
            throw error
        }
        self.streamers = streamers
        self.sources = sources
    }

    /// What readies one instance of `node` for a durable run: the saved state of its
    /// conversation (`nil`: a shared instance, which takes every conversation's) is loaded,
    /// and, when the run records snapshots, the instance is wrapped to save its state after
    /// each input. Other runs get the instance unchanged.
    static func preparation(
        for node: String, durability: DurableRunOptions?, substituted: SubstitutedValues, logger: Logger
    ) -> @Sendable (any Generator, String?) throws -> any Generator {
        guard let durability else { return { instance, _ in instance } }
        let restored = durability.restoredState[node] ?? [:]
        return { instance, conversation in
            let snapshots = conversation.map { key in restored[key].map { [key: $0] } ?? [:] } ?? restored
            try substituted.masking { try StateSnapshottingGenerator.restore(snapshots, into: instance) }
            if let sink = durability.snapshot, let native = instance as? NativeGenerator, let state = native.state {
                return StateSnapshottingGenerator(native, state: state, node: node, logger: logger, sink: sink)
            }
            return instance
        }
    }

    /// Every subscription the graph has, in any process: each node's (with the types its
    /// plugin accepts when it runs here, any type otherwise — its own process checks them),
    /// each graph output's, and the run's `$errors` reader.
    static func interests(of manifest: GraphManifest, validation: GraphValidation, placement: GraphPlacement) -> [TopicInterest] {
        let unnumbered = SubscriptionID(rawValue: 0)
        var interests = manifest.nodes.map { node in
            let accepted = placement.runs(node.id) ? validation.provider(for: node)?.descriptor.inputs : nil
            return TopicInterest(subscription: unnumbered, name: node.id, patterns: node.subscribe, accepts: accepted ?? .any)
        }
        for output in manifest.outputs {
            interests.append(TopicInterest(
                subscription: unnumbered, name: Self.outputSubscriptionName(output.name), patterns: [TopicPattern(exactly: output.topic)],
                accepts: output.types))
        }
        interests.append(TopicInterest(subscription: unnumbered, name: Self.errorsSubscriptionName, patterns: [TopicPattern(exactly: .errors)], accepts: .any))
        return interests
    }

    /// Registers what this process serves of the run in the run's port registry and checks
    /// its types against what every other process registered (`DistributedTypeCheck`).
    ///
    /// - Throws: `GraphBuildError` with each mismatch (after withdrawing the registration; a
    ///   worker also reports them on `$errors`, where its coordinator shows them), or the
    ///   server's error.
    private static func registerPorts(
        of validation: GraphValidation, manifest: GraphManifest, placement: GraphPlacement, on transport: JetStreamTransport,
        hub: Hub, logger: Logger
    ) async throws -> PortRegistration {
        let served = RegisteredPorts.served(by: placement, of: manifest, validation: validation)
        let registration = try PortRegistration(served, in: transport.portRegistry(), logger: logger)
        let problems: [GraphDiagnostic]
        do {
            problems = DistributedTypeCheck.diagnostics(
                manifest: manifest, file: validation.file, registered: try registration.everything(), here: .current)
        } catch {
            registration.withdraw()
            throw error
        }
        guard problems.isEmpty else {
            registration.withdraw()
            if placement.role == .worker {
                // The run would wait for nodes refused here: its coordinator says why.
                for problem in problems {
                    _ = try? await hub.publish(
                        .errorReport(node: "worker (\(RegisteredPorts.Process.current))", message: "refused to join: \(problem)", input: nil),
                        to: .errors)
                }
            }
            throw GraphBuildError(diagnostics: problems)
        }
        return registration
    }

    /// How many output ids a graph output remembers to drop one delivered twice.
    static let recentOutputIDLimit = 65_536

    /// The name of the subscription that reads the graph output `output`.
    static func outputSubscriptionName(_ output: String) -> String { "output:\(output)" }
    /// The name of the subscription that reads the run's `$errors`.
    static let errorsSubscriptionName = "graph:errors"

    /// Stops gracefully: the feeds read nothing more and the sources are stopped; everything
    /// already published is processed through every node and reaches the graph's outputs,
    /// then `run` returns (with `wasStopped`). Nothing in flight is dropped or dead-lettered:
    /// the hub stays open until it is idle, as at the end of any run.
    public func stop() {
        let (task, feedStops) = feeding.withLock { state in
            stopped.store(true, ordering: .relaxed)
            return (state.waiting ? state.task : nil, state.feedStops)
        }
        for stopReading in feedStops { stopReading() }
        // Only a feed waiting for its next artifacts is cancelled: a publish under way is let
        // finish, since cancelling it would dead-letter what it carries.
        task?.cancel()
        for source in sources { source.source.stop() }
    }

    /// Runs the graph on `feeds` until it has done all their work (or `stop()`).
    ///
    /// - Parameters:
    ///   - onOutput: called with the output's name and each artifact, as they arrive.
    ///   - onOutputsQuiet: called after `onOutput` whenever a graph output has handed over every
    ///     artifact it had queued, i.e. once per batch of outputs: a printer that buffers its
    ///     writes writes them then, so a burst costs one write and a lone output is not held back.
    ///   - onError: called with each `manifold/error` artifact published by a node.
    ///   - resuming: what an interrupted run left to do, when this run carries it on: those
    ///     artifacts are delivered to their nodes before any feed, sources do not start again
    ///     (their work so far is in the journal), and outputs shown before are not shown again.
    /// - Throws: a node's error under the `stop` error policy; `CancellationError` when the
    ///   task is cancelled (nodes are still shut down).
    public func run(
        feeds: [GraphInputFeed],
        resuming: GraphResumption? = nil,
        onOutput: @escaping @Sendable (String, Artifact) async -> Void,
        onOutputsQuiet: @escaping @Sendable () async -> Void = {},
        onError: @escaping @Sendable (Artifact) async -> Void = { _ in }
    ) async throws -> GraphRunReport {
        let started = ContinuousClock.now
        var outputSubscriptions: [(String, Subscription)] = []
        // A worker leaves the graph's outputs and errors to its coordinator, which reads them.
        let coordinates = placement.role == .coordinator
        let redelivers = !(hub.options.transport is InProcessTransport)
        for output in manifest.outputs where coordinates {
            outputSubscriptions.append((
                output.name,
                hub.subscribe([TopicPattern(exactly: output.topic)], name: Self.outputSubscriptionName(output.name), accepts: output.types)))
        }
        let errors = coordinates ? hub.subscribe([TopicPattern(exactly: .errors)], name: Self.errorsSubscriptionName) : nil
        let counts = OutputCounts()
        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for streamer in streamers {
                    group.addTask { _ = try await streamer.run() }
                }
                for (name, subscription) in outputSubscriptions {
                    // A broker delivers again an output whose acknowledgement it lost, and a
                    // resumed node redoing an input emits its outputs again: shown once.
                    let seen = redelivers || resuming != nil ? RecentIDs(limit: Self.recentOutputIDLimit) : nil
                    let shownBefore = resuming?.shownOutputs[name] ?? []
                    group.addTask {
                        var outputs = subscription.makeAsyncIterator()
                        while let artifact = try await outputs.next() {
                            if let seen, !seen.insert(artifact.id) { continue }
                            if shownBefore.contains(artifact.id) { continue }
                            counts.state.withLock { $0[name, default: 0] += 1 }
                            await onOutput(name, artifact)
                            if outputs.readAheadCount == 0 { await onOutputsQuiet() }
                        }
                    }
                }
                if let errors {
                    group.addTask {
                        for try await error in errors { await onError(error) }
                    }
                }
                group.addTask {
                    // The graph's inputs are the feeds and the sources: once all have ended
                    // and nothing is in flight, the run is done.
                    try await withThrowingTaskGroup(of: Void.self) { inputs in
                        inputs.addTask {
                            if let resuming { try await self.deliver(resuming.redeliveries) }
                            try await self.feedAll(feeds)
                        }
                        for source in self.sources where resuming == nil {
                            inputs.addTask { try await self.run(source) }
                        }
                        try await inputs.waitForAll()
                    }
                    await self.hub.waitUntilIdle()
                    self.hub.close()
                }
                try await group.waitForAll()
            }
        } catch {
            failure = error
            hub.close()
        }
        for streamer in streamers.reversed() { await streamer.shutdown() }
        registration?.withdraw()
        // Releases the transport: on a broker, a coordinator's run ends there for every worker.
        await hub.shutdown()
        if let failure { throw failure }
        return GraphRunReport(
            nodes: streamers.map(\.report), hub: hub.statistics, deadLetters: hub.recentDeadLetters,
            duration: ContinuousClock.now - started, wasStopped: stopped.load(ordering: .relaxed),
            outputs: counts.state.withLock { $0 }, failedSources: failedSources.withLock { $0 },
            inputsFed: feeding.withLock { $0.fed }, inputsNotFed: feeding.withLock { $0.notFed })
    }

    /// `artifact` as it enters the graph at `input`: in a traced run, with a trace context —
    /// the one it came with (a caller's), else a new trace whose first span is its entry
    /// (`TraceContext.spanID(node: "input:NAME", input: id)`). Untraced runs take it as it is.
    public func entering(_ artifact: Artifact, input: String) -> Artifact {
        isTraced ? Self.traced(artifact, startedBy: "input:\(input)") : artifact
    }

    private static func traced(_ artifact: Artifact, startedBy entry: String) -> Artifact {
        if artifact.metadata[MetadataKey.traceParent].flatMap(TraceContext.init(traceParent:)) != nil { return artifact }
        var traced = artifact
        traced.metadata[MetadataKey.traceParent] = TraceContext.newTrace(spanID: TraceContext.spanID(node: entry, input: artifact.id)).traceParent
        return traced
    }

    /// Runs one source node until it finishes or the run stops (a source stopped before it
    /// started never starts). Its failure is the node's: counted in the report, published on
    /// `$errors`, and ending the run under the `stop` error policy.
    private func run(_ source: (node: String, output: Topic, source: any SourceRunner, errorPolicy: ErrorPolicy)) async throws {
        do {
            try await source.source.run(
                publish: { [hub, isTraced] artifact in
                    try await hub.publish(isTraced ? Self.traced(artifact, startedBy: "source:\(source.node)") : artifact, to: source.output)
                },
                reject: { [hub] problem in
                    // Counted with the run's dead letters, so the run reports it and fails.
                    let standIn = Artifact(type: .octetStream, origin: source.node)
                    hub.deadLetter([standIn], reason: .malformedOutput, topic: source.output, by: source.node, detail: problem)
                })
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let error = substituted.mask(error)
            failedSources.withLock { $0[source.node] = "\(error)" }
            if source.errorPolicy == .stop { throw error }
            if hub.hasSubscribers(.errors) {
                try await hub.publish(.errorReport(node: source.node, message: "\(error)", input: nil), to: .errors)
            }
        }
    }

    /// Publishes every feed, in a task `stop()` can cancel while it waits for a feed.
    /// Hands each artifact to its node alone, in order (a node's first replica).
    private func deliver(_ redeliveries: [(node: String, artifact: Artifact)]) async throws {
        var subscriptions: [String: SubscriptionID] = [:]
        for streamer in streamers where subscriptions[streamer.name] == nil {
            subscriptions[streamer.name] = streamer.subscriptionID
        }
        for (node, artifact) in redeliveries {
            guard let subscription = subscriptions[node] else { continue }
            try await hub.send(artifact, to: subscription)
        }
    }

    private func feedAll(_ feeds: [GraphInputFeed]) async throws {
        let task = Task { try await self.publish(feeds) }
        let alreadyStopped = feeding.withLock { state in
            state.task = task
            state.feedStops = feeds.map(\.stopReading)
            return stopped.load(ordering: .relaxed)
        }
        if alreadyStopped { for feed in feeds { feed.stopReading() } }
        do {
            try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        } catch is CancellationError where stopped.load(ordering: .relaxed) {
            // Stopped on purpose: what was fed is still processed.
        }
    }

    private func publish(_ feeds: [GraphInputFeed]) async throws {
        for feed in feeds {
            guard let input = manifest.inputs.first(where: { $0.name == feed.input }) else {
                throw GraphBuildError(diagnostics: [GraphDiagnostic(
                    .error, file: manifest.file, path: "$.inputs",
                    message: "the graph has no input named '\(feed.input)'; it has: \(manifest.inputs.map(\.name).joined(separator: ", "))")])
            }
            while true {
                // `stop()` reads `waiting` under the same lock: it cancels this task only while
                // it waits for the feed, never while it publishes.
                let goOn = feeding.withLock { state in
                    guard !stopped.load(ordering: .relaxed) else { return false }
                    state.waiting = true
                    return true
                }
                guard goOn else { return }
                let batch = await feed.next()
                feeding.withLock { $0.waiting = false }
                guard let batch else { break }
                if Task.isCancelled {
                    // Handed out as the wait was cancelled: reported, since it cannot be published.
                    feeding.withLock { $0.notFed += batch.count }
                    return
                }
                guard !batch.isEmpty else { continue }
                try await hub.publish(contentsOf: isTraced ? batch.map { entering($0, input: input.name) } : batch, to: input.topic)
                feeding.withLock { $0.fed[feed.input, default: 0] += batch.count }
            }
        }
    }
}

/// Where the feeds are: the task publishing them, whether it waits for a feed (the only time a
/// stop may cancel it), how to stop each feed reading, and what was fed.
private struct FeedingState {
    var task: Task<Void, any Error>?
    var waiting = false
    var feedStops: [@Sendable () -> Void] = []
    var fed: [String: Int] = [:]
    var notFed = 0
}

/// The last ids seen, at most `limit` of them: what recognises an artifact delivered again.
final class RecentIDs: Sendable {
    private struct State {
        var order = Deque<ArtifactID>()
        var members = Set<ArtifactID>()
    }

    private let state = Mutex(State())
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Records `id`; `false` when it was seen already.
    func insert(_ id: ArtifactID) -> Bool {
        state.withLock { state in
            guard state.members.insert(id).inserted else { return false }
            state.order.append(id)
            if state.order.count > limit, let oldest = state.order.popFirst() { state.members.remove(oldest) }
            return true
        }
    }
}

/// Outputs delivered per graph output, counted by the readers.
private final class OutputCounts: Sendable {
    let state = Mutex<[String: Int]>([:])
}

/// A graph that cannot be built; the diagnostics say why and where.
public struct GraphBuildError: Error, CustomStringConvertible, Sendable {
    /// Every problem found.
    public let diagnostics: [GraphDiagnostic]

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// The values a graph's configs received from the environment (`${NAME}`): what no error the
/// host reports for a node may show. A plugin's error quotes its config freely (a library
/// path, a regular expression, a URL), and the plugin cannot know which of it was a secret.
struct SubstitutedValues: Sendable {
    /// Longest first, so that a value is masked before a shorter one inside it.
    private let values: [String]

    /// Values shorter than this are left alone: masking every `1` or `on` in a message would
    /// garble it, and so short a value guards nothing.
    static let shortestMasked = 4

    /// The whole strings the manifest filled from `${…}` in node and middleware configs, and
    /// the environment values in them (a value may be quoted without the literal text around it).
    init(manifest: GraphManifest, environment: [String: String] = ProcessInfo.processInfo.environment) {
        var found = Set<String>()
        func collect(_ value: JSONValue, redacted: JSONValue?) {
            switch (value, redacted) {
            case (.string(let text), .string("***")?):
                found.insert(text)
            case (.array(let items), .array(let masked)?):
                for (item, mask) in zip(items, masked) { collect(item, redacted: mask) }
            case (.object(let members), .object(let masked)?):
                for (key, member) in members { collect(member, redacted: masked[key]) }
            default:
                break
            }
        }
        for node in manifest.nodes {
            collect(node.config, redacted: manifest.redactedConfig(forNode: node.id))
            for (index, layer) in node.middleware.enumerated() {
                collect(layer.config, redacted: manifest.redactedConfig(forNode: node.id, middleware: index))
            }
        }
        let wholeStrings = found
        for reference in manifest.environmentReferences {
            if let value = environment[reference.name], !value.isEmpty, wholeStrings.contains(where: { $0.contains(value) }) {
                found.insert(value)
            }
        }
        values = found.filter { $0.count >= Self.shortestMasked }.sorted { $0.count > $1.count }
    }

    /// Whether the graph has nothing to mask.
    var isEmpty: Bool { values.isEmpty }

    /// `text` with every value replaced by `***`.
    func mask(_ text: String) -> String {
        var result = text
        for value in values where result.contains(value) {
            result = result.replacingOccurrences(of: value, with: "***")
        }
        return result
    }

    /// `error` itself when it shows no value; otherwise the same error with the values
    /// masked (a `PluginLoadError` stays one, field by field), or its masked text.
    func mask(_ error: any Error) -> any Error {
        guard !values.isEmpty, !(error is CancellationError) else { return error }
        if let load = error as? PluginLoadError {
            let masked = PluginLoadError(
                file: mask(load.file), kind: load.kind, problem: mask(load.problem), fix: mask(load.fix), pluginReason: load.pluginReason.map(mask))
            return masked == load ? error : masked
        }
        let text = "\(error)"
        let masked = mask(text)
        return masked == text ? error : MaskedError(description: masked)
    }

    /// Runs `body`, masking what it throws.
    func masking<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw mask(error)
        }
    }
}

/// An error whose text showed a substituted value, with the value masked.
struct MaskedError: Error, CustomStringConvertible, Sendable {
    let description: String
}

/// The outermost layer of every node of a graph with substituted values: what the node's
/// chain throws leaves it masked, before the Streamer records and publishes it.
struct SubstitutedValueMasking: Middleware {
    let values: SubstitutedValues
    var name: String { "substituted-value-masking" }

    func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        do {
            try await next(input, context)
        } catch {
            throw values.mask(error)
        }
    }
}
