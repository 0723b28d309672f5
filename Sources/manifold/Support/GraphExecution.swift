import ArgumentParser
import Foundation
import Manifold
import ManifoldHost
import ManifoldJournal
import Synchronization

/// Runs a built graph as `manifold run` and `manifold resume` do: outputs printed as they
/// arrive (and, with a journal, recorded as shown once written), node errors on stderr, the
/// watchdog's stops and time limit, the summary, the journal's end, and the exit status.
struct GraphExecution {
    var output: RunCommand.OutputFormat
    var stats: Bool
    var allowDeadLetters: Bool
    var timeout: Double?
    var eventLog: EventLogWriter?
    var journal: RunJournal?
    /// `--keep-runs`: the journal to prune after the run, and how many runs to keep.
    var keepRuns: (path: String, count: Int)?
    /// The run's approvals, to say on a graceful stop that inputs still wait for a person.
    var approvals: RunApprovals?

    /// The exit status of a run that finished but lost artifacts to `$dead-letter`.
    static let deadLetterStatus: Int32 = 3

    /// Runs `graphRun` on `feeds` (or on what `resuming` left, after printing `unshown`).
    ///
    /// - Throws: `ExitCode` for every outcome but success: 1 (a node failed, an error, the
    ///   journal lost part of the run, standard input failed), 3 (dead letters), 124
    ///   (`--timeout`), 128 + signal (stopped).
    func execute(
        _ graphRun: GraphRun, feeds: [GraphInputFeed], resuming: GraphResumption? = nil, unshown: [(output: String, artifact: Artifact)] = [],
        watchdog: RunWatchdog, standardInputFailure: @escaping () -> Int32? = { nil }
    ) async throws {
        let latencies = NodeLatencyObserver()
        if stats { graphRun.hub.addObserver(latencies) }
        eventLog?.start(hub: graphRun.hub)
        journal?.start(graphRun)
        let printer = OutputPrinter(format: output)
        let shown = ShownOutputs(recorder: journal?.recorder)
        for (name, artifact) in unshown {
            printer.print(artifact, output: name)
            shown.append(name, artifact.id)
        }
        printer.flush()
        shown.record()
        let runTask = Task {
            try await graphRun.run(
                feeds: feeds, resuming: resuming,
                onOutput: { name, artifact in
                    printer.print(artifact, output: name)
                    shown.append(name, artifact.id)
                },
                onOutputsQuiet: {
                    printer.flush()
                    shown.record()
                },
                onError: { error in
                    // Anything on $errors that is not a report (a node may publish there) is shown as text.
                    let report = (try? ErrorReport(decoding: error))
                        ?? ErrorReport(node: error.metadata[MetadataKey.errorNode] ?? error.origin ?? "?", message: error.text)
                    Terminal.error("error: node '\(report.node)': \(report.message)")
                })
        }
        watchdog.attach(RunWatchdog.Hooks(
            stop: { [approvals] in
                graphRun.stop()
                approvals?.noteStop()
            },
            cancel: { runTask.cancel() }, busy: { RunSummary.busyNodes(graphRun) },
            flushOutputs: { printer.flushIfFree() }))
        defer {
            // Every node was shut down by the run: the libraries may release what they hold.
            LoadedLibrary.finishAll()
        }
        let report: GraphRunReport
        do {
            report = try await runTask.value
            await eventLog?.finish()
        } catch {
            await eventLog?.finish()
            let status: JournalRun.Status = switch watchdog.ending {
            case .timedOut?: .timedOut
            case .signal?: .stopped
            default: .failed
            }
            printer.finish()
            _ = await journal?.finish(status: status)
            let dropped = graphRun.hub.statistics.deadLettered
            if dropped > 0 { Terminal.error("warning: \(dropped) artifact(s) were dropped and went to $dead-letter") }
            switch watchdog.ending {
            case .timedOut?:
                Terminal.error("error: timed out after \(timeout ?? 0) s; nodes were shut down")
                throw ExitCode(124)
            case .signal(let signal)?:
                Terminal.error("stopped at once: nodes were shut down")
                throw ExitCode(RunWatchdog.Ending.signal(signal).status)
            default:
                Terminal.error(error)
                throw ExitCode(1)
            }
        }
        printer.finish()
        shown.record()
        RunSummary.report(report, stats: stats, latencies: latencies.latencies)
        if let journal {
            let status: JournalRun.Status = report.wasStopped ? .stopped : report.failures > 0 ? .failed : .finished
            guard await journal.finish(status: status) else { throw ExitCode(1) }
            if let keepRuns { Self.prune(keepRuns.path, keeping: keepRuns.count) }
        }
        if let failure = standardInputFailure() {
            Terminal.error("error: \(StandardInputError(errno: failure))")
            throw ExitCode(1)
        }
        if report.wasStopped { throw ExitCode(128 + (watchdog.stopSignal ?? SIGINT)) }
        if report.failures > 0 { throw ExitCode(1) }
        if report.hub.deadLettered > 0 && !allowDeadLetters {
            Terminal.error("error: \(report.hub.deadLettered) artifact(s) were dead-lettered (listed above); exiting \(Self.deadLetterStatus); "
                + "fix the graph or the plugin, or pass --allow-dead-letters to accept the loss")
            throw ExitCode(Self.deadLetterStatus)
        }
    }

    /// `--keep-runs`: removes all but the newest `count` runs; a failure is a warning, the run itself went well.
    private static func prune(_ path: String, keeping count: Int) {
        do {
            let pruned = try JournalFile(path: path).prune { Array($0.dropFirst(count)) }
            if !pruned.runs.isEmpty { Terminal.error("journal: removed \(pruned.runs.count) older run(s) (--keep-runs \(count))") }
        } catch {
            Terminal.error("warning: --keep-runs: \(error)")
        }
    }
}

/// Outputs handed to the printer and not yet recorded as shown: recorded once the printer
/// has written them, so a crash before the write shows them again on resume (at least once),
/// never loses them.
private final class ShownOutputs: Sendable {
    private let recorder: JournalRecorder?
    private let pending = Mutex<[(String, ArtifactID)]>([])

    init(recorder: JournalRecorder?) {
        self.recorder = recorder
    }

    func append(_ output: String, _ id: ArtifactID) {
        guard recorder != nil else { return }
        pending.withLock { $0.append((output, id)) }
    }

    func record() {
        guard let recorder else { return }
        for (output, id) in pending.withLock({ pending in defer { pending = [] }; return pending }) {
            recorder.recordShown(output: output, artifact: id)
        }
    }
}
