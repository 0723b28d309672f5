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

    /// Opens the journal and reads or writes it with `body`; a journal that cannot be opened,
    /// or an error of `body` (an unknown run, a damaged record), is printed and ends the
    /// command with status 1.
    func using<T>(_ body: (JournalFile) throws(JournalError) -> T) throws -> T {
        do {
            return try body(try JournalFile(path: path))
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
    }

    /// The run `id` names (or starts) in the journal, read back whole; any failure is printed
    /// and ends the command with status 1.
    func recordedRun(_ id: String) throws -> (file: JournalFile, run: JournalRun, replay: JournalReplay) {
        try using { file throws(JournalError) in
            let run = try file.run(id)
            return (file, run, JournalReplay(try file.records(of: run.id)))
        }
    }
}
