import ArgumentParser
import Foundation
import Manifold
import ManifoldHost
import ManifoldJournal
import ManifoldManifest

/// `manifold replay RUN-ID --from NODE`: run a recorded run again from one node, with the
/// graph and plugins as they are now.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a recorded run again from one node: the inputs that node took in the run are fed to it again, with the current graph and plugins.",
        discussion: """
            After changing a prompt, a node's config or a plugin, see what the graph makes of the
            same inputs without running what comes before the node (and without paying for its
            model calls again). The nodes after it run as usual; the replay is a new run, recorded
            in the same journal, so `manifold runs show` can compare the two.

            Examples:
              manifold replay 3be2e612 --from split --journal runs.db
            """)

    @Argument(help: "The recorded run's id, or the start of it.")
    var runID: String

    @Option(name: .customLong("from"), help: "The node to start from: it is given again every input it took in the run.")
    var node: String

    @Option(help: "The graph to replay with (default: the run's graph file, as it is now).")
    var graph: String?

    @Option(help: "How to print outputs: text or json, as for `manifold run`.")
    var output: RunCommand.OutputFormat = .text

    @Flag(help: "Exit 0 even when artifacts went to $dead-letter.")
    var allowDeadLetters = false

    @Option(help: "Stop after this many seconds from launch (exit 124).")
    var timeout: Double?

    @OptionGroup var journal: JournalOptions

    @OptionGroup var approvalOptions: ApprovalOptions

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    mutating func validate() throws {
        try RunWatchdog.validate(timeLimit: timeout)
    }

    func run() async throws {
        try await RunWatchdog.watching(timeLimit: timeout) { watchdog in try await replay(watchedBy: watchdog) }
    }

    private func replay(watchedBy watchdog: RunWatchdog) async throws {
        PluginCrashReport.install()
        let logger = try global.makeLogger()
        let (file, recorded, replay) = try journal.recordedRun(runID)
        let graphFile = graph ?? recorded.absoluteFile
        let approvals = RunApprovals()
        let (validation, manifest) = try runnableGraph(
            graphFile, plugins: plugins, placement: try PlacementOptions.parse([]), verbose: global.verbose, providers: approvals.providers)
        guard manifest.node(node) != nil else {
            Terminal.error("error: graph \(graphFile) has no node '\(node)'; its nodes: \(manifest.nodes.map(\.id).joined(separator: ", "))")
            throw ExitCode(1)
        }
        let inputs = replay.inputs(of: node)
        guard !inputs.isEmpty else {
            Terminal.error("error: node '\(node)' took no input in run \(recorded.id); nothing to replay (see `manifold runs show \(recorded.id) --node \(node)`)")
            throw ExitCode(1)
        }
        let newRun = RunID.make()
        let runJournal: RunJournal
        do {
            runJournal = try RunJournal(path: file.path, runID: newRun, graphFile: graphFile, validation: validation, manifest: manifest)
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        try approvals.connect(runID: newRun, manifest: manifest, journalPath: file.path, readsTerminalInput: false, options: approvalOptions)
        defer { approvals.disconnect() }
        let graphRun = try await runJournal.inProcessGraphRun(validation: validation, logger: logger, runID: newRun)
        Terminal.error("replaying \(inputs.count) input(s) of node '\(node)' from run \(recorded.id) as run \(newRun)")
        let execution = GraphExecution(
            output: output, stats: false, allowDeadLetters: allowDeadLetters, timeout: timeout, eventLog: nil, journal: runJournal, approvals: approvals)
        try await execution.execute(
            graphRun, feeds: [], resuming: GraphResumption(redeliveries: inputs.map { (node, $0) }, shownOutputs: [:]), watchdog: watchdog)
    }
}
