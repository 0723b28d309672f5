import ArgumentParser
import Foundation
import Manifold
import ManifoldHost
import ManifoldJournal
import ManifoldManifest

/// `manifold resume RUN-ID`: carry on a recorded run that was interrupted.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Carry on a run recorded in a journal that was interrupted (killed, crashed, stopped): what it had not finished is done, nothing it finished is done again.",
        discussion: """
            Every artifact the run published that a node had not settled is delivered to that node
            again; settled inputs are not redone; nodes whose plugin keeps state (manifold.state,
            e.g. the agent) load the state they saved after their last settled input, so a resumed
            agent does not repeat a model call it already finished. Outputs the run already showed
            are not shown again. The graph and its plugins must be unchanged since the run started
            (digests in the journal), unless --allow-changed. Inputs the run had not read yet
            (the rest of standard input) are not part of it: feed them to a new run.

            Examples:
              manifold resume 3be2e612 --journal runs.db
              manifold resume 3be2e612 --allow-changed
            """)

    @Argument(help: "The run's id, or the start of it.")
    var runID: String

    @Flag(help: "Resume even though the graph or a plugin changed since the run started (the changes are listed).")
    var allowChanged = false

    @Option(help: "How to print outputs: text or json, as for `manifold run`.")
    var output: RunCommand.OutputFormat = .text

    @Flag(help: "Exit 0 even when artifacts went to $dead-letter.")
    var allowDeadLetters = false

    @Option(help: "Stop after this many seconds from launch (exit 124).")
    var timeout: Double?

    @Flag(help: "Print per-node and per-topic counts at the end (stderr).")
    var stats = false

    @OptionGroup var journal: JournalOptions

    @OptionGroup var approvalOptions: ApprovalOptions

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    mutating func validate() throws {
        try RunWatchdog.validate(timeLimit: timeout)
    }

    func run() async throws {
        try await RunWatchdog.watching(timeLimit: timeout) { watchdog in try await resume(watchedBy: watchdog) }
    }

    private func resume(watchedBy watchdog: RunWatchdog) async throws {
        PluginCrashReport.install()
        let logger = try global.makeLogger()
        let (file, run, replay) = try journal.recordedRun(runID)
        guard try Self.mayResume(run) else { return }
        let graph = run.absoluteFile
        guard FileManager.default.fileExists(atPath: graph) else {
            Terminal.error("error: run \(run.id) ran graph \(graph), which no longer exists; restore the file to resume the run")
            throw ExitCode(1)
        }
        let approvals = RunApprovals()
        let (validation, manifest) = try runnableGraph(
            graph, plugins: plugins, placement: try PlacementOptions.parse([]), verbose: global.verbose, providers: approvals.providers)
        let changes = ResumeChanges(run: run, graphFile: graph, plugins: RunJournal.plugins(of: validation)).descriptions
        if !changes.isEmpty {
            let list = changes.map { "  - \($0)" }.joined(separator: "\n")
            guard allowChanged else {
                Terminal.error("error: run \(run.id) cannot be resumed as it was: since it started,\n\(list)\n"
                    + "resuming with different code may redo work differently; restore them, or pass --allow-changed to resume anyway")
                throw ExitCode(1)
            }
            Terminal.error("warning: resuming run \(run.id) although, since it started,\n\(list)")
        }
        let runJournal: RunJournal
        do {
            runJournal = try RunJournal(resuming: run.id, in: file)
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        try approvals.connect(runID: run.id, manifest: manifest, journalPath: file.path, readsTerminalInput: false, options: approvalOptions)
        defer { approvals.disconnect() }
        let graphRun = try await runJournal.inProcessGraphRun(validation: validation, logger: logger, runID: run.id, resuming: replay)
        let plan = ResumePlan(replay: replay, graphRun: graphRun, manifest: manifest, sources: Self.sourceNodes(validation, manifest))
        Terminal.error("resuming run \(run.id): \(plan.redeliveries.count) artifact(s) to deliver again, "
            + "\(replay.settled.values.reduce(0) { $0 + $1.count }) input(s) already settled, \(plan.unshown.count) output(s) not shown yet")
        let execution = GraphExecution(
            output: output, stats: stats, allowDeadLetters: allowDeadLetters, timeout: timeout, eventLog: nil, journal: runJournal, approvals: approvals)
        try await execution.execute(
            graphRun, feeds: [], resuming: GraphResumption(redeliveries: plan.redeliveries, shownOutputs: replay.shown), unshown: plan.unshown,
            watchdog: watchdog)
    }

    /// Whether the run can be carried on: one that finished has nothing left, one still
    /// running in its own process must not be resumed twice.
    private static func mayResume(_ run: JournalRun) throws -> Bool {
        switch run.status {
        case .finished:
            Terminal.error("run \(run.id) finished\(run.endedAt.map { " at \($0.formatted(.iso8601))" } ?? ""); there is nothing to resume")
            return false
        case .running where !run.isInterrupted:
            Terminal.error("error: run \(run.id) is still running (pid \(run.pid) on \(run.host)); stop it first, or wait for it")
            throw ExitCode(1)
        default:
            return true
        }
    }

    /// The nodes whose plugin is a source: what they emitted has no input and is never redone.
    private static func sourceNodes(_ validation: GraphValidation, _ manifest: GraphManifest) -> Set<String> {
        Set(manifest.nodes.filter { node in
            validation.provider(for: node)?.descriptor.extensions.contains(PluginExtension.source.rawValue) == true
        }.map(\.id))
    }
}
