import Foundation
import GRDB
import Manifold
import ManifoldJournal
import Testing

/// A journal that cannot be used is refused with what is wrong and the fix — never a crash,
/// never a silent write into someone else's file.
@Suite("Journal: files that cannot be used")
struct JournalFileErrorTests {
    func expectError(_ kind: JournalError.Kind, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> JournalError? {
        do {
            try body()
            Issue.record("expected a \(kind) error", sourceLocation: sourceLocation)
            return nil
        } catch let error as JournalError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected a JournalError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test func aFileThatIsNoDatabaseIsRefusedAndLeftAlone() throws {
        let path = try JournalTestSupport.newJournalPath()
        let garbage = Data(repeating: 0x41, count: 8192)
        try garbage.write(to: URL(fileURLWithPath: path))
        let error = expectError(.corrupt) { _ = try JournalFile(path: path) }
        #expect(error?.description.hasPrefix("journal \(path): could not open: it is not a database, or a damaged one") == true, "\(String(describing: error))")
        #expect(error?.fix.contains("move it aside") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage, "the file is not changed")
    }

    @Test func aDatabaseWithADamagedSegmentReadsUpToIt() async throws {
        let path = try JournalTestSupport.newJournalPath()
        let file = try JournalFile(path: path)
        let recorder = try JournalRecorder(file: file, run: JournalTestSupport.run("r1")) { _ in }
        _ = try await JournalTestSupport.recordPipeline(["a"], into: recorder)
        await recorder.finish(status: .finished)
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE segments SET records = x'0102' WHERE number = 0")
        }
        let error = expectError(.malformedRecord) { _ = try file.records(of: "r1") }
        #expect(error?.problem.contains("segment 0 of run r1 is damaged") == true, "\(String(describing: error))")
        #expect(try file.runs().map(\.id) == ["r1"], "the run is still listed")
    }

    @Test func anotherProgramsDatabaseIsRefused() throws {
        let path = try JournalTestSupport.newJournalPath()
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE contacts (name TEXT)") }
        let error = expectError(.foreign) { _ = try JournalFile(path: path) }
        #expect(error?.problem == "it is an SQLite database of another program, not a Manifold journal")
        let tables = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(tables == ["contacts"], "nothing was added to it")
    }

    @Test func aJournalOfANewerManifoldIsRefused() throws {
        let path = try JournalTestSupport.newJournalPath()
        _ = try JournalFile(path: path)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('99: from the future')")
        }
        let error = expectError(.newerSchema) { _ = try JournalFile(path: path) }
        #expect(error?.fix == "upgrade Manifold, or name another file with --journal")
    }

    @Test func aLockHeldTooLongIsReportedAsLocked() throws {
        let path = try JournalTestSupport.newJournalPath()
        let file = try JournalFile(path: path, lockWait: 0.2)
        let other = try DatabaseQueue(path: path)
        try other.inTransaction(.exclusive) { _ in
            let error = expectError(.locked) { try file.begin(JournalTestSupport.run("r1")) }
            #expect(error?.problem.contains("another process holds its lock") == true, "\(String(describing: error))")
            return .rollback
        }
        try file.begin(JournalTestSupport.run("r1"))
        #expect(try file.runs().count == 1, "once the lock is released the journal works")
    }

    @Test func aWriteThatFailsDuringARunIsReportedOnceAndCounted() async throws {
        let path = try JournalTestSupport.newJournalPath()
        let file = try JournalFile(path: path, lockWait: 0.1)
        let failures = Collected<JournalError>()
        let failed = Gate()
        let recorder = try JournalRecorder(file: file, run: JournalTestSupport.run("r1")) { error in
            failures.append(error)
            failed.open()
        }
        // Another connection holds the write lock for the whole run: every write meets it.
        let other = try DatabaseQueue(path: path)
        let locked = Gate()
        let release = Gate()
        let holder = Thread {
            try? other.inTransaction(.exclusive) { _ in
                locked.open()
                release.wait()
                return .commit
            }
        }
        holder.start()
        await Task.detached { locked.wait() }.value
        _ = try await JournalTestSupport.recordPipeline((0..<50).map(String.init), into: recorder)
        // The lock is kept until the recorder has given up on a write.
        await Task.detached { failed.wait() }.value
        release.open()
        let ending = await recorder.finish(status: .finished)
        #expect(failures.values.count == 1, "reported once: \(failures.values)")
        #expect(failures.values.first?.kind == .locked)
        #expect(ending?.failure.kind == .locked)
        #expect((ending?.unrecorded ?? 0) > 0, "what could not be written is counted")
        #expect(try file.run("r1").status == .running, "the end was not recorded: the run shows as interrupted")
    }

    @Test func anUnknownRunNamesTheLatestOnes() throws {
        let file = try JournalFile(path: try JournalTestSupport.newJournalPath())
        for id in ["aaa111", "aaa222", "bbb333"] { try file.begin(JournalTestSupport.run(id)) }
        let unknown = expectError(.unknownRun) { _ = try file.run("zzz") }
        #expect(unknown?.problem.hasPrefix("it holds no run zzz; its latest: ") == true)
        let ambiguous = expectError(.unknownRun) { _ = try file.run("aaa") }
        #expect(ambiguous?.problem == "2 runs start with aaa: aaa111, aaa222")
        #expect(try file.run("bbb").id == "bbb333", "a unique prefix names its run")
        let duplicate = expectError(.inaccessible) { try file.begin(JournalTestSupport.run("bbb333")) }
        #expect(duplicate?.problem == "it already holds a run with id bbb333")
    }
}
