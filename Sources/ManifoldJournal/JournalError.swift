/// Why a journal could not be opened, read or written: each message names the file, what is
/// wrong and how to fix it.
public struct JournalError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in general.
    public enum Kind: Sendable, Equatable {
        /// The file is no SQLite database, or one damaged beyond reading.
        case corrupt
        /// An SQLite database of another program.
        case foreign
        /// Written by a newer Manifold, with a schema this one does not know.
        case newerSchema
        /// Another process holds the journal's lock longer than the wait allows.
        case locked
        /// The file or its folder cannot be created, read or written (permissions, a full disk).
        case inaccessible
        /// No run with the id asked for.
        case unknownRun
        /// A stored record that does not decode.
        case malformedRecord
    }

    /// The kind.
    public let kind: Kind
    /// The journal file.
    public let file: String
    /// What happened.
    public let problem: String
    /// How to fix it.
    public let fix: String

    /// An error about `file`.
    public init(_ kind: Kind, file: String, problem: String, fix: String) {
        self.kind = kind
        self.file = file
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "journal \(file): \(problem); \(fix)" }
}
