import Foundation
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
        let plugins = validation.plugins.values
            .map { provider in
                JournalRun.Plugin(
                    name: provider.descriptor.name, version: provider.descriptor.version, location: provider.location,
                    sha256: (provider as? LoadedPlugin)?.sha256 ?? provider.manifest?.sha256)
            }
            .sorted { ($0.name, $0.location) < ($1.name, $1.location) }
        let run = JournalRun(id: runID, graph: manifest.name, file: graphFile, graphDigest: Self.digest(ofFile: graphFile), plugins: plugins)
        let stopRun = self.stopRun
        recorder = try JournalRecorder(file: file, run: run) { failure in
            Terminal.error("error: \(failure); stopping the run: what is in flight finishes, nothing more is read")
            stopRun.perform()
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
