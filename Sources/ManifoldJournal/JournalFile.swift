import Foundation
import GRDB

/// A run journal: an SQLite database (WAL mode) holding runs and their records.
///
/// Opening checks that the file is a Manifold journal this version can read before anything
/// is written: a file that is no database, a database of another program, or one of a newer
/// Manifold is refused with a `JournalError` naming the file and the fix. Every call blocks
/// on disk I/O: call from a thread of your own, never from the concurrency pool (the
/// `JournalRecorder` has one).
public final class JournalFile: Sendable {
    /// The file's path.
    public let path: String
    private let database: DatabasePool

    /// How long a write waits for another process's lock before it fails as `locked`.
    public static let defaultLockWait: TimeInterval = 5

    /// Opens the journal at `path`, creating it (and its folder) when it does not exist.
    ///
    /// - Parameter lockWait: how long to wait for another process's lock.
    /// - Throws: `JournalError`.
    public init(path: String, lockWait: TimeInterval = JournalFile.defaultLockWait) throws(JournalError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw JournalError(
                    .inaccessible, file: path, problem: "its folder cannot be created (\(error.localizedDescription))",
                    fix: "create \(folder), or name another file with --journal")
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(lockWait)
        configuration.label = "manifold-journal"
        configuration.prepareDatabase { db in
            // Records are batched; NORMAL in WAL mode loses at most the last batches on a power
            // cut, never the database's consistency, and makes each commit an append.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.checkAndMigrate(database, path: path)
        } catch let error as JournalError {
            throw error
        } catch {
            throw Self.journalError(error, file: path, doing: "open")
        }
    }

    /// Refuses another program's database or a newer schema; creates or upgrades ours.
    private static func checkAndMigrate(_ database: DatabasePool, path: String) throws {
        try database.barrierWriteWithoutTransaction { db in
            let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
            if applicationID != JournalSchema.applicationID {
                guard applicationID == 0 && tables == 0 else {
                    throw JournalError(
                        .foreign, file: path, problem: "it is an SQLite database of another program, not a Manifold journal",
                        fix: "name another file with --journal (Manifold never writes into another program's database)")
                }
                // A new file: reclaimable pages, so pruning shrinks it.
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA application_id = \(JournalSchema.applicationID)")
            }
            if try JournalSchema.migrator.hasBeenSuperseded(db) {
                throw JournalError(
                    .newerSchema, file: path, problem: "it was written by a newer Manifold, whose format this version cannot read",
                    fix: "upgrade Manifold, or name another file with --journal")
            }
        }
        try JournalSchema.migrator.migrate(database)
    }

    // MARK: Writing

    /// Records that `run` started.
    ///
    /// - Throws: `JournalError` — `.inaccessible` also when a run with its id is already there.
    public func begin(_ run: JournalRun) throws(JournalError) {
        try write("record the start of run \(run.id)") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [run.id]) == true {
                throw JournalError(
                    .inaccessible, file: path, problem: "it already holds a run with id \(run.id)",
                    fix: "choose another --run-id, or leave it out for a new one")
            }
            let plugins = String(decoding: try JSONEncoder().encode(run.plugins), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT INTO runs (id, graph, file, directory, graph_digest, plugins, started_at, status, host, pid)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    run.id, run.graph, run.file, run.directory, run.graphDigest, plugins, run.startedAt.timeIntervalSince1970, run.status.rawValue,
                    run.host, Int(run.pid),
                ])
        }
    }

    /// What one batch adds to a run: its records, the large payloads they refer to, and counts.
    struct Batch {
        var segment: Int
        var records: [UInt8]
        var payloads: [(digest: [UInt8], bytes: Data)]
        var published = 0
        var settled = 0
        var failed = 0
        var deadLettered = 0
    }

    /// Appends a batch to run `runID`, in one transaction.
    func append(_ batch: Batch, to runID: String) throws(JournalError) {
        try write("record run \(runID)") { db in
            try db.execute(
                sql: "INSERT INTO segments (run_id, number, records) VALUES (?, ?, ?)",
                arguments: [runID, batch.segment, Data(batch.records)])
            for (digest, bytes) in batch.payloads {
                let key = Data(digest)
                try db.execute(sql: "INSERT OR IGNORE INTO payloads (digest, bytes) VALUES (?, ?)", arguments: [key, bytes])
                try db.execute(sql: "INSERT OR IGNORE INTO payload_uses (run_id, digest) VALUES (?, ?)", arguments: [runID, key])
            }
            try db.execute(
                sql: """
                    UPDATE runs SET published = published + ?, settled = settled + ?, failed = failed + ?,
                        dead_lettered = dead_lettered + ?, record_bytes = record_bytes + ? WHERE id = ?
                    """,
                arguments: [batch.published, batch.settled, batch.failed, batch.deadLettered, batch.records.count, runID])
        }
    }

    /// Records that run `runID` goes on in this process (`manifold resume`): running again,
    /// with this host and pid, its end cleared.
    ///
    /// - Returns: the number of its next segment.
    public func reopen(_ runID: String, host: String = ProcessInfo.processInfo.hostName, pid: Int32 = getpid()) throws(JournalError) -> Int {
        try write("reopen run \(runID)") { db in
            try db.execute(
                sql: "UPDATE runs SET status = ?, ended_at = NULL, host = ?, pid = ? WHERE id = ?",
                arguments: [JournalRun.Status.running.rawValue, host, Int(pid), runID])
            return (try Int.fetchOne(db, sql: "SELECT max(number) FROM segments WHERE run_id = ?", arguments: [runID]) ?? -1) + 1
        }
    }

    /// Records how run `runID` ended.
    public func end(_ runID: String, status: JournalRun.Status, at time: Date = Date()) throws(JournalError) {
        try write("record the end of run \(runID)") { db in
            try db.execute(
                sql: "UPDATE runs SET status = ?, ended_at = ? WHERE id = ?", arguments: [status.rawValue, time.timeIntervalSince1970, runID])
        }
    }

    // MARK: Reading

    /// Every run, newest first.
    public func runs() throws(JournalError) -> [JournalRun] {
        try read("list its runs") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at DESC, id").map(Self.run)
        }
    }

    /// The run with id `id` — or the only one whose id starts with it.
    ///
    /// - Throws: `JournalError.unknownRun` naming the runs there are.
    public func run(_ id: String) throws(JournalError) -> JournalRun {
        let matches = try read("find run \(id)") { db in
            if let exact = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) { return [try Self.run(exact)] }
            return try Row.fetchAll(db, sql: "SELECT * FROM runs WHERE substr(id, 1, ?) = ? ORDER BY id", arguments: [id.utf8.count, id]).map(Self.run)
        }
        if matches.count == 1 { return matches[0] }
        let recent = (try? runs())?.prefix(5).map(\.id) ?? []
        throw JournalError(
            .unknownRun, file: path,
            problem: matches.isEmpty
                ? "it holds no run \(id)" + (recent.isEmpty ? " (it holds no runs)" : "; its latest: \(recent.joined(separator: ", "))")
                : "\(matches.count) runs start with \(id): \(matches.map(\.id).joined(separator: ", "))",
            fix: "name a run listed by `manifold runs --journal \(path)`")
    }

    /// Every record of run `runID`, in order, with large payloads filled in.
    public func records(of runID: String) throws(JournalError) -> [JournalRecord] {
        try read("read run \(runID)") { db in
            var records: [JournalRecord] = []
            let segments = try Row.fetchCursor(db, sql: "SELECT number, records FROM segments WHERE run_id = ? ORDER BY number", arguments: [runID])
            while let segment = try segments.next() {
                let number: Int = segment["number"]
                let bytes: Data = segment["records"]
                do {
                    records += try JournalRecord.decodeSegment(Array(bytes)) { digest in
                        try Data.fetchOne(db, sql: "SELECT bytes FROM payloads WHERE digest = ?", arguments: [Data(digest)])
                    }
                } catch {
                    throw JournalError(
                        .malformedRecord, file: path, problem: "segment \(number) of run \(runID) is damaged: \(error)",
                        fix: "the records before it are intact; prune the run with `manifold runs prune --run \(runID)`")
                }
            }
            return records
        }
    }

    // MARK: Pruning

    /// What `prune` removed.
    public struct Pruned: Sendable, Equatable {
        /// The runs removed, newest first.
        public var runs: [String]
        /// Large payloads no remaining run used, removed with them.
        public var payloads: Int
    }

    /// Removes the runs `select` picks from the list (newest first), with their records and
    /// every large payload no other run uses, and gives the freed pages back to the file system.
    /// A run still recording (not ended, its process alive) is never removed.
    public func prune(_ select: ([JournalRun]) -> [JournalRun]) throws(JournalError) -> Pruned {
        let chosen = select(try runs()).filter { $0.status != .running || $0.isInterrupted }
        guard !chosen.isEmpty else { return Pruned(runs: [], payloads: 0) }
        let payloads = try write("prune \(chosen.count) run(s)") { db -> Int in
            for run in chosen { try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [run.id]) }
            try db.execute(sql: "DELETE FROM payloads WHERE digest NOT IN (SELECT digest FROM payload_uses)")
            return db.changesCount
        }
        do {
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA incremental_vacuum") }
        } catch {
            // The runs are gone; only the file's size is not reduced yet (the next prune retries).
        }
        return Pruned(runs: chosen.map(\.id), payloads: payloads)
    }

    // MARK: Helpers

    func write<T>(_ doing: String, _ body: (Database) throws -> T) throws(JournalError) -> T {
        do {
            return try database.write(body)
        } catch let error as JournalError {
            throw error
        } catch {
            throw Self.journalError(error, file: path, doing: doing)
        }
    }

    func read<T>(_ doing: String, _ body: (Database) throws -> T) throws(JournalError) -> T {
        do {
            return try database.read(body)
        } catch let error as JournalError {
            throw error
        } catch {
            throw Self.journalError(error, file: path, doing: doing)
        }
    }

    private static func run(_ row: Row) throws -> JournalRun {
        var run = JournalRun(
            id: row["id"], graph: row["graph"], file: row["file"], directory: row["directory"], graphDigest: row["graph_digest"],
            plugins: (try? JSONDecoder().decode([JournalRun.Plugin].self, from: Data((row["plugins"] as String).utf8))) ?? [],
            startedAt: Date(timeIntervalSince1970: row["started_at"]), host: row["host"], pid: Int32(row["pid"] as Int))
        run.endedAt = (row["ended_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        run.status = JournalRun.Status(rawValue: row["status"]) ?? .failed
        run.published = row["published"]
        run.settled = row["settled"]
        run.failed = row["failed"]
        run.deadLettered = row["dead_lettered"]
        run.recordBytes = row["record_bytes"]
        return run
    }

    /// An SQLite error as what it means for the journal, with the fix.
    static func journalError(_ error: any Error, file: String, doing: String) -> JournalError {
        guard let database = error as? DatabaseError else {
            return JournalError(.inaccessible, file: file, problem: "could not \(doing): \(error)", fix: "check the file")
        }
        let reason = database.message ?? "\(database.resultCode)"
        switch database.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return JournalError(
                .locked, file: file, problem: "could not \(doing): another process holds its lock (\(reason))",
                fix: "wait for the other process (another run recording, or a program with the file open) to finish, or name another file with --journal")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return JournalError(
                .corrupt, file: file, problem: "could not \(doing): it is not a database, or a damaged one (\(reason))",
                fix: "move it aside (its runs are lost to Manifold) and run again, or name another file with --journal")
        case .SQLITE_FULL:
            return JournalError(
                .inaccessible, file: file, problem: "could not \(doing): the disk is full",
                fix: "free some space (`manifold runs prune` removes old runs), or name a file on another disk with --journal")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN, .SQLITE_AUTH:
            return JournalError(
                .inaccessible, file: file, problem: "could not \(doing): it cannot be opened for writing (\(reason))",
                fix: "check the permissions of the file and its folder, or name another file with --journal")
        default:
            return JournalError(.inaccessible, file: file, problem: "could not \(doing): \(reason)", fix: "check the file and its disk")
        }
    }
}
