import ArgumentParser
import Foundation
import Logging
import Manifold
import ManifoldHost
import ManifoldManifest
import ManifoldNATS
import Synchronization

/// `manifold worker`: runs some of a graph's nodes for the runs of that graph on a NATS hub.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run some of a graph's nodes for its runs on a NATS hub, until stopped.",
        discussion: """
            A worker joins every run of the graph that `manifold run GRAPH --hub nats://…` starts
            on the same server (or only --run-id's), runs the nodes named by --only (every node
            without it) and leaves the run when it ends. Workers on several machines share the
            inputs of a node they all run: each input is processed once, and the inputs of a
            worker that dies are given to another after the hub's ackWaitSeconds.
            Ctrl-C or SIGTERM stops it: inputs it had not finished go back to the hub for
            another worker. See docs/distributed.md.

            Examples:
              manifold worker Examples/pipeline.json --hub nats://10.0.0.5:4222 --only upper
              manifold worker Examples/pipeline.json --hub nats://10.0.0.5:4222 --only upper --replicas upper=4
            """)

    @Argument(help: "The graph manifest (the same file the coordinator runs).")
    var graph: String

    @Option(help: "The NATS server (nats://HOST:PORT); the graph's hub.transport when not given.")
    var hub: String?

    @Option(help: "Join only this run, and exit when it ends.")
    var runID: String?

    @OptionGroup var placement: PlacementOptions

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        PluginCrashReport.install()
        let logger = try global.makeLogger()
        let override = try hubTransport(hub)
        let (validation, manifest) = try runnableGraph(graph, plugins: plugins, placement: placement, verbose: global.verbose)
        try RunApprovals.refuseDistributed(manifest)
        guard case .nats(let url) = override ?? manifest.hub.transport else {
            Terminal.error("error: a worker takes its nodes' inputs from a NATS hub; give --hub nats://HOST:PORT (or hub.transport in the graph)")
            throw ExitCode(1)
        }
        let server: NATSServerURL
        do {
            server = try NATSServerURL(url)
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        let placed = GraphPlacement(nodes: placement.onlyNodes.map(Set.init), role: .worker)
        let runs = WorkerRuns(validation: validation, transport: override, placement: placed, logger: logger)
        let stop = try StopOnSignal.install { runs.stopAll() }
        defer { stop.uninstall() }
        let nodes = placement.onlyNodes?.joined(separator: ", ") ?? "every node"
        if let runID {
            Terminal.error("worker: \(nodes) of \(manifest.name) for run \(runID) on \(server.redacted)")
            await runs.serve(runID)
        } else {
            Terminal.error("worker: \(nodes) of \(manifest.name), for each of its runs on \(server.redacted)")
            let discovery: JetStream
            do {
                discovery = try JetStream(connection: NATSConnection(server: server, name: "manifold worker \(manifest.name)", attempts: 5))
            } catch {
                Terminal.error(error)
                throw ExitCode(1)
            }
            await runs.serveEveryRun(of: manifest.name, discoveredThrough: discovery)
        }
        LoadedLibrary.finishAll()
        if runs.failed { throw ExitCode(1) }
    }
}

/// The runs a worker serves: one `GraphRun` of its nodes per run of the graph.
final class WorkerRuns: Sendable {
    private let validation: GraphValidation
    private let transport: HubSettings.Transport?
    private let placement: GraphPlacement
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var running: [String: Task<GraphRunReport, any Error>] = [:]
        var seen: Set<String> = []
        var stopped = false
        var failed = false
    }

    init(validation: GraphValidation, transport: HubSettings.Transport?, placement: GraphPlacement, logger: Logger) {
        self.validation = validation
        self.transport = transport
        self.placement = placement
        self.logger = logger
    }

    /// Whether a run could not be joined or one of its nodes failed.
    var failed: Bool { state.withLock { $0.failed } }

    /// Joins run `runID` and returns when it ends (or the worker is stopped).
    func serve(_ runID: String) async {
        guard state.withLock({ !$0.stopped && $0.seen.insert(runID).inserted }) else { return }
        let graphRun: GraphRun
        do {
            graphRun = try await GraphRun(validation: validation, logger: logger, transport: transport, runID: runID, placement: placement)
        } catch {
            Terminal.error("error: run \(runID): \(error)")
            state.withLock { $0.failed = true }
            return
        }
        let runTask = Task { try await graphRun.run(feeds: [], onOutput: { _, _ in }) }
        let stoppedMeanwhile = state.withLock { state in
            state.running[runID] = runTask
            return state.stopped
        }
        if stoppedMeanwhile { runTask.cancel() }
        Terminal.error("worker: joined run \(runID)")
        do {
            let report = try await runTask.value
            let processed = report.nodes.map { "\($0.node) \($0.processed)" }.joined(separator: ", ")
            Terminal.error("worker: run \(runID) ended; inputs processed here: \(processed.isEmpty ? "none" : processed)"
                + (report.failures > 0 ? "; \(report.failures) failed" : ""))
            if report.failures > 0 { state.withLock { $0.failed = true } }
        } catch is CancellationError {
            Terminal.error("worker: left run \(runID) (its unfinished inputs go back to the hub); inputs processed here: "
                + graphRun.streamers.map { "\($0.name) \($0.report.processed)" }.joined(separator: ", "))
        } catch {
            Terminal.error("error: run \(runID): \(error)")
            state.withLock { $0.failed = true }
        }
        _ = state.withLock { $0.running.removeValue(forKey: runID) }
    }

    /// Joins each run of `graph` as it appears on the server, until stopped.
    func serveEveryRun(of graph: String, discoveredThrough jetStream: JetStream) async {
        await withTaskGroup(of: Void.self) { group in
            var reported = false
            while !state.withLock({ $0.stopped }) {
                do {
                    for run in try Self.runs(of: graph, among: jetStream.streams()) where !state.withLock({ $0.seen.contains(run) }) {
                        group.addTask { await self.serve(run) }
                    }
                    reported = false
                } catch {
                    if !reported { Terminal.error("warning: \(error); retrying") }
                    reported = true
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
            await group.waitForAll()
        }
        jetStream.connection.close()
    }

    /// Stops serving: each run's nodes stop, giving their unfinished inputs back.
    func stopAll() {
        let runs = state.withLock { state in
            state.stopped = true
            return Array(state.running.values)
        }
        for run in runs { run.cancel() }
    }

    /// The run ids of `graph` among the server's streams (`manifold.GRAPH.RUN.>`).
    static func runs(of graph: String, among streams: [(name: String, subjects: [String])]) -> [String] {
        let prefix = "manifold.\(graph)."
        return streams.compactMap { stream in
            guard stream.subjects.count == 1, let subject = stream.subjects.first, subject.hasPrefix(prefix), subject.hasSuffix(".>") else {
                return nil
            }
            let run = subject.dropFirst(prefix.count).dropLast(2)
            return run.isEmpty || run.contains(".") ? nil : String(run)
        }
    }
}
