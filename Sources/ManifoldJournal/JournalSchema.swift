import GRDB

/// The journal's tables, created and upgraded in order by GRDB's migrator.
///
/// - `runs`: one row per run: the graph (name, file as given, the folder it was given in,
///   digest), its plugins (JSON), start, end, status, the process and counts.
/// - `segments`: a run's records, a batch per row, in order (`JournalRecord`).
/// - `payloads`: large payloads, once each, by SHA-256; `payload_uses` says which runs use
///   which, so pruning a run frees what no other run needs.
/// - `approvals`: each input a run holds for a person's decision, by token, and the decision
///   once made (`manifold approve` / `deny` write it, from any process; the run applies it).
enum JournalSchema {
    /// Marks a Manifold journal in the SQLite header (`PRAGMA application_id`), so another
    /// program's database is refused rather than written into: "MNFJ".
    static let applicationID: Int32 = 0x4D4E_464A

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1: runs, segments, payloads") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY NOT NULL,
                    graph TEXT NOT NULL,
                    file TEXT NOT NULL,
                    directory TEXT NOT NULL,
                    graph_digest TEXT NOT NULL,
                    plugins TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    ended_at REAL,
                    status TEXT NOT NULL,
                    host TEXT NOT NULL,
                    pid INTEGER NOT NULL,
                    published INTEGER NOT NULL DEFAULT 0,
                    settled INTEGER NOT NULL DEFAULT 0,
                    failed INTEGER NOT NULL DEFAULT 0,
                    dead_lettered INTEGER NOT NULL DEFAULT 0,
                    record_bytes INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX runs_by_start ON runs(started_at);
                CREATE TABLE segments (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    records BLOB NOT NULL,
                    PRIMARY KEY (run_id, number)
                ) WITHOUT ROWID;
                CREATE TABLE payloads (
                    digest BLOB PRIMARY KEY NOT NULL,
                    bytes BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE payload_uses (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    digest BLOB NOT NULL,
                    PRIMARY KEY (run_id, digest)
                ) WITHOUT ROWID;
                CREATE INDEX payload_uses_by_digest ON payload_uses(digest);
                """)
        }
        migrator.registerMigration("2: approvals") { db in
            try db.execute(sql: """
                CREATE TABLE approvals (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    token TEXT NOT NULL,
                    node TEXT NOT NULL,
                    input TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    requested_at REAL NOT NULL,
                    decision TEXT,
                    edit TEXT,
                    reason TEXT,
                    decided_at REAL,
                    decided_by TEXT,
                    applied_at REAL,
                    PRIMARY KEY (run_id, token)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
