import ArgumentParser
import ManifoldJournal

/// `--journal FILE` of the commands that read journals: the documented default when not given.
struct JournalOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The run journal to read (default: $MANIFOLD_JOURNAL, else $XDG_STATE_HOME/manifold/runs.db, else ~/.local/state/manifold/runs.db).",
        valueName: "file"))
    var journal: String?

    /// The journal's path.
    var path: String { journal ?? JournalLocation.defaultPath() }

    /// Opens the journal, or prints why not and exits 1.
    func open() throws -> JournalFile {
        do {
            return try JournalFile(path: path)
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}
