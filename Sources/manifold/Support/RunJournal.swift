import ArgumentParser
import Foundation
import Logging
import Manifold
import ManifoldHost
import ManifoldJournal
import ManifoldManifest
import ManifoldTrust
import Synchronization

/// The journal of one `manifold run`: started before any plugin instance is made, ended with
/// the run's status, and stopping the run if a write fails.
final class RunJournal: Sendable {
    let recorder: JournalRecorder
    private let stopRun = StopAction()

    /// Opens `path` and records the start of run `runID` of the validated graph.
    ///
    /// - Throws: `JournalError` (the file cannot be used, or already holds the run id).
    init(path: String, runID: String, graphFile: String, validation: GraphValidation, manifest: GraphManifest) throws {
        let file = try JournalFile(path: path)
        let run = JournalRun(
            id: runID, graph: manifest.name, file: graphFile, graphDigest: Self.digest(ofFile: graphFile), plugins: Self.plugins(of: validation))
        let stopRun = self.stopRun
        recorder = try JournalRecorder(file: file, run: run) { failure in
            Terminal.error("error: \(failure); stopping the run: what is in flight finishes, nothing more is read")
            stopRun.perform()
        }
    }

    /// Records `recorder`'s run as it goes on in this process (`manifold resume`).
    ///
    /// - Throws: `JournalError` from reopening it.
    init(resuming runID: String, in file: JournalFile) throws {
        let stopRun = self.stopRun
        recorder = try JournalRecorder(file: file, resuming: runID) { failure in
            Terminal.error("error: \(failure); stopping the run: what is in flight finishes, nothing more is read")
            stopRun.perform()
        }
    }

    /// What the graph run must do for the journal: derive output ids, hand over plugin state.
    func durability(resuming replay: JournalReplay? = nil) -> DurableRunOptions {
        let recorder = self.recorder
        return DurableRunOptions(
            snapshot: { node, key, state in recorder.recordSnapshot(node: node, key: key, state: state) },
            restoredState: replay?.snapshots ?? [:], settledInputs: replay?.settled)
    }

    /// Builds, in process, the graph of the run this journal records (`resume`, `replay`); a
    /// build error is printed, recorded as the run's end, and ends the command with status 1.
    func inProcessGraphRun(
        validation: GraphValidation, logger: Logger, runID: String, resuming replay: JournalReplay? = nil
    ) async throws -> GraphRun {
        do {
            return try await GraphRun(
                validation: validation, logger: logger, transport: .inProcess, runID: runID, durability: durability(resuming: replay))
        } catch {
            Terminal.error(error)
            _ = await finish(status: .failed)
            throw ExitCode(1)
        }
    }

    /// Starts recording `graphRun`; a failed write from now on stops it.
    func start(_ graphRun: GraphRun) {
        stopRun.set { graphRun.stop() }
        recorder.start(hub: graphRun.hub)
    }

    /// Writes what is left and records how the run ended; `false` (with the reason printed)
    /// when the journal lost part of the run.
    func finish(status: JournalRun.Status) async -> Bool {
        guard let (failure, unrecorded) = await recorder.finish(status: status) else { return true }
        Terminal.error("error: \(failure)" + (unrecorded > 0 ? " (\(unrecorded) event(s) of the run were not recorded)" : ""))
        return false
    }

    /// The plugins a validated graph uses, as a journal describes them.
    static func plugins(of validation: GraphValidation) -> [JournalRun.Plugin] {
        validation.plugins.values
            .map { provider in
                JournalRun.Plugin(
                    name: provider.descriptor.name, version: provider.descriptor.version, location: provider.location,
                    sha256: (provider as? LoadedPlugin)?.sha256 ?? provider.manifest?.sha256)
            }
            .sorted { ($0.name, $0.location) < ($1.name, $1.location) }
    }

    /// The SHA-256 of a regular file's bytes; a FIFO or process substitution, read once
    /// already, has none.
    static func digest(ofFile path: String) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return "unavailable" }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return "unavailable (not a regular file)" }
        return (try? FileDigest.sha256(ofOpenFile: descriptor)) ?? "unavailable"
    }
}

/// What stops the run, set once the run exists; a failure before that has nothing to stop.
private final class StopAction: Sendable {
    private let action = Mutex<(@Sendable () -> Void)?>(nil)

    func set(_ body: @escaping @Sendable () -> Void) {
        action.withLock { $0 = body }
    }

    func perform() {
        action.withLock { $0 }?()
    }
}
