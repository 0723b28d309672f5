import ArgumentParser
import Foundation
import Manifold
import ManifoldHost
import ManifoldJSON
import ManifoldJournal
import ManifoldManifest
import ManifoldNATS

/// `manifold run`: build a graph, feed it, stream its outputs.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a graph: feed its input, stream its outputs as they arrive.",
        discussion: """
            Input comes from --input (repeatable: one artifact each), --input-file, or standard
            input (all of it as one artifact, or with --lines each line as it arrives). Exits 0 on
            success, 1 when a node failed or the graph is invalid, 3 when the run finished but
            artifacts went to $dead-letter (an undeclared output type, a malformed artifact from a
            plugin, a topic nobody reads; the reasons are listed on stderr) unless
            --allow-dead-letters, 124 on --timeout (counted from launch), and 130 after Ctrl-C or
            143 after SIGTERM. The first Ctrl-C or SIGTERM stops reading input and lets what is in
            flight finish and reach the outputs; a second one ends the run within 2 s, even if a
            plugin never returns.

            Text output: payloads of text types (text/*, JSON and +json, XML, YAML, chat/*, tool/*,
            any type with a charset) are printed one per line; every other type (application/gzip,
            image/png, application/octet-stream) is binary and written byte for byte, with nothing
            added, so `> FILE` gets exactly what the plugin emitted. When standard output is a
            terminal, binary outputs are not written but counted, with a note on stderr: redirect
            standard output, or use --output json, which carries them in base64.

            Examples:
              manifold run Examples/pipeline.json --input "hello world"
              echo "a b c" | manifold run Examples/fan-out.json --output json
              manifold run Examples/middleware.json --input-file notes.txt --stats
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The graph manifest.")
    var graph: String

    @Option(name: .customLong("input"), help: "Text to feed (repeatable; each is one artifact).")
    var inputs: [String] = []

    @Option(name: .customLong("input-file"), help: "A file whose contents are one artifact (repeatable).")
    var inputFiles: [String] = []

    @Flag(help: "Feed each line of standard input as its own artifact, as it arrives.")
    var lines = false

    @Option(name: .customLong("to"), help: "The graph input to feed (default: the graph's only, or first, input).")
    var target: String?

    @Option(help: ArgumentHelp(
        "How to print outputs: text (payloads as they stream) or json (one JSON object per line).",
        discussion: "In text mode binary types are written byte for byte, never to a terminal; json gives them in base64."))
    var output: OutputFormat = .text

    @Flag(help: "Exit 0 even when artifacts went to $dead-letter (they are still counted and reported on stderr).")
    var allowDeadLetters = false

    @Option(help: "Stop after this many seconds from launch, within 2 s more even if a plugin never returns (exit 124).")
    var timeout: Double?

    @Flag(help: "Print per-node and per-topic counts and timings (p50/p99 per input) at the end (stderr).")
    var stats = false

    @Option(help: ArgumentHelp(
        "Write every run event as a JSON line to this file: publishes, deliveries, losses, node inputs and outputs.",
        discussion: "Ids, types, topics, names and timings only: payloads and metadata values are never written."))
    var events: String?

    @Option(help: ArgumentHelp(
        "Run this node's plugin in a supervised worker process (repeatable; 'all' for every node).",
        discussion: "A crash then costs the node's input and a restart, not the run. See docs/isolation.md.",
        valueName: "node"))
    var isolate: [String] = []

    @Option(help: ArgumentHelp(
        "Where the graph's topics live: a NATS server's URL (nats://HOST:PORT) or in-process; overrides the graph's hub.transport.",
        discussion: "On NATS, topic T of this run is the subject manifold.GRAPH.RUN-ID.T, for other programs to publish to and read. See docs/nats.md."))
    var hub: String?

    @Option(help: "This run's id, in the NATS subjects of its topics (default: 12 random hex digits).")
    var runID: String?

    @Option(help: ArgumentHelp(
        "Record the run in this journal (an SQLite file, created when missing): every artifact, settlement and failure.",
        discussion: "Read it with `manifold runs`. See docs/durable-runs.md.", valueName: "file"))
    var journal: String?

    @Flag(help: "Record the run in the default journal ($MANIFOLD_JOURNAL, else ~/.local/state/manifold/runs.db).")
    var record = false

    @Option(help: ArgumentHelp(
        "After the run, remove all but this many newest runs from its journal (with --journal or --record).", valueName: "count"))
    var keepRuns: Int?

    @OptionGroup var placement: PlacementOptions

    @OptionGroup var metricsOptions: MetricsOptions

    @OptionGroup var tracingOptions: TracingOptions

    @OptionGroup var approvalOptions: ApprovalOptions

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    mutating func validate() throws {
        try RunWatchdog.validate(timeLimit: timeout)
        if journal != nil && record {
            throw ValidationError("--journal FILE and --record both name a journal; use one (--record is --journal with the default file)")
        }
        if let keepRuns, keepRuns < 1 || (journal == nil && !record) {
            throw ValidationError(keepRuns < 1
                ? "--keep-runs takes a count of at least 1, got \(keepRuns)"
                : "--keep-runs prunes the run's journal: add --journal FILE or --record")
        }
        if lines && !(inputs.isEmpty && inputFiles.isEmpty) {
            throw ValidationError(
                "--lines feeds standard input line by line and cannot be combined with --input or --input-file; use one or the other")
        }
    }

    func run() async throws {
        try await RunWatchdog.watching(timeLimit: timeout) { watchdog in try await run(watchedBy: watchdog) }
    }

    private func run(watchedBy watchdog: RunWatchdog) async throws {
        PluginCrashReport.install()
        let logger = try global.makeLogger()
        let override = try hubTransport(hub)
        let approvals = RunApprovals()
        let (validation, manifest) = try runnableGraph(
            graph, plugins: plugins, placement: placement, isolating: isolate, verbose: global.verbose, providers: approvals.providers)
        if placement.onlyNodes != nil, !(override ?? manifest.hub.transport).redelivers {
            Terminal.error("error: --only leaves the other nodes to `manifold worker` processes, which need a NATS hub; "
                + "add --hub nats://HOST:PORT (or hub.transport in the graph), or drop --only to run every node here")
            throw ExitCode(1)
        }
        let standardInput = try StandardInputReader()
        let feed = try makeFeed(manifest, standardInput: standardInput)
        // Opened before the graph is built: a log that cannot be written stops the run before any plugin code runs.
        let eventLog: EventLogWriter?
        do {
            eventLog = try events.map { try EventLogWriter(path: $0) }
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        let run = runID ?? RunID.make()
        let journalPath = journal ?? (record ? JournalLocation.defaultPath() : nil)
        if (override ?? manifest.hub.transport).redelivers {
            if journalPath != nil {
                Terminal.error("error: --journal records a run in one process; on a NATS hub the run's stream keeps its artifacts (docs/distributed.md); "
                    + "drop --journal/--record, or run in process")
                throw ExitCode(1)
            }
            try RunApprovals.refuseDistributed(manifest)
        }
        try approvals.connect(
            runID: run, manifest: manifest, journalPath: journalPath, readsTerminalInput: feed != nil && (lines || (inputs.isEmpty && inputFiles.isEmpty)) && isatty(0) == 1, options: approvalOptions)
        defer { approvals.disconnect() }
        // Opened before the graph is built: a journal that cannot be written stops the run before any plugin code runs.
        let runJournal: RunJournal?
        do {
            runJournal = try journalPath.map {
                try RunJournal(path: $0, runID: run, graphFile: graph, validation: validation, manifest: manifest)
            }
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        let servedMetrics = try await metricsOptions.start()
        let tracing = try tracingOptions.start(manifest)
        let graphRun: GraphRun
        do {
            graphRun = try await GraphRun(
                validation: validation, logger: logger, transport: override, runID: run,
                placement: GraphPlacement(nodes: placement.onlyNodes.map(Set.init), role: .coordinator),
                durability: runJournal?.durability(), traced: tracing != nil)
            if case .nats(let url) = override ?? manifest.hub.transport {
                let server = (try? NATSServerURL(url).redacted) ?? url
                Terminal.error("hub: NATS server \(server); run \(run): topic T is the subject manifold.\(manifest.name).\(run).T"
                    + (placement.onlyNodes == nil ? "" : "; workers: manifold worker \(graph) --hub \(server) --only NODES"))
            }
        } catch {
            Terminal.error(error)
            _ = await runJournal?.finish(status: .failed)
            throw ExitCode(1)
        }
        let execution = GraphExecution(
            output: output, stats: stats, allowDeadLetters: allowDeadLetters, timeout: timeout, eventLog: eventLog, journal: runJournal,
            keepRuns: keepRuns.flatMap { count in journalPath.map { ($0, count) } }, approvals: approvals)
        servedMetrics?.watch(graphRun)
        tracing?.watch(graphRun.hub)
        do {
            try await execution.execute(
                graphRun, feeds: feed.map { [$0] } ?? [], watchdog: watchdog, standardInputFailure: { standardInput.failure })
        } catch {
            await tracing?.finishAndReport()
            await servedMetrics?.close()
            throw error
        }
        await tracing?.finishAndReport()
        await servedMetrics?.close()
    }

    /// The artifacts to feed, from the options or standard input; none for a graph without
    /// inputs (its source nodes drive it) when no input was given.
    private func makeFeed(_ manifest: GraphManifest, standardInput: StandardInputReader) throws -> GraphInputFeed? {
        if manifest.inputs.isEmpty && inputs.isEmpty && inputFiles.isEmpty && !lines && target == nil { return nil }
        guard let input = manifest.inputs.first(where: { target == nil || $0.name == target }) else {
            let known = manifest.inputs.map(\.name).joined(separator: ", ")
            throw ValidationError(
                target.map { "the graph has no input '\($0)'; it has: \(known.isEmpty ? "none" : known)" }
                    ?? "the graph declares no inputs; add one under \"inputs\"")
        }
        let type = input.types.types.first { !$0.isWildcard } ?? .plainText
        var texts: [Data] = inputs.map { Data($0.utf8) }
        for file in inputFiles {
            texts.append(try InputFile.read(file))
        }
        if lines {
            return StandardInputFeed.lines(into: input.name, type: type, reader: standardInput)
        }
        if texts.isEmpty {
            guard isatty(0) == 0 else {
                throw ValidationError("no input: give --input TEXT, --input-file FILE, or pipe text on standard input")
            }
            return StandardInputFeed.whole(into: input.name, type: type, reader: standardInput)
        }
        let artifacts = texts.map { Artifact(type: type, payload: $0, origin: nil) }
        return GraphInputFeed(input: input.name, artifacts: artifacts)
    }
}
