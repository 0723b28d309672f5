import Foundation
import Testing

/// `manifold run --journal`, `--record`, `--keep-runs` and `manifold runs`: what a user records
/// and reads back, and every way a journal can be refused.
@Suite("manifold run --journal and manifold runs")
struct JournalCLITests {
    static func journalPath() throws -> String {
        let folder = NSTemporaryDirectory() + "manifold-cli-journal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder + "/runs.db"
    }

    static func jsonObject(_ text: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    @Test func aRecordedRunIsListedAndShownWithEveryHop() async throws {
        let journal = try Self.journalPath()
        let run = try await CLI.run(["run", "Examples/pipeline.json", "--input", "hello world", "--journal", journal, "--run-id", "first1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "HELLO\nWORLD!\n")

        let list = try await CLI.run(["runs", "--journal", journal])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("RUN ") == true)
        #expect(lines.count == 2)
        #expect(lines.last?.contains("first1  pipeline  finished") == true, "\(list.stdout)")

        let listed = try await CLI.run(["runs", "list", "--journal", journal, "--output", "json"])
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(runs.first?["id"] as? String == "first1")
        #expect(runs.first?["published"] as? Int == 4 && runs.first?["settled"] as? Int == 2)
        #expect((runs.first?["plugins"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["echo", "uppercase"])
        #expect((runs.first?["graphDigest"] as? String)?.count == 64)

        let shown = try await CLI.run(["runs", "show", "first", "--journal", journal])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.hasPrefix("run first1: graph pipeline (Examples/pipeline.json), finished in "), "\(shown.stdout)")
        #expect(shown.stdout.contains("shout: 1 settled (0 failed), 1 emitted, mean "))
        #expect(shown.stdout.contains("publish  input  "), "\(shown.stdout)")
        #expect(shown.stdout.contains("text/plain fed  \"hello world\""))
        #expect(shown.stdout.contains("text/plain from split  \"WORLD!\""))

        let json = try await CLI.run(["runs", "show", "first1", "--journal", journal, "--output", "json", "--node", "split"])
        let object = try #require(Self.jsonObject(json.stdout))
        let records = try #require(object["records"] as? [[String: Any]])
        #expect(records.compactMap { $0["kind"] as? String } == ["published", "published", "published", "emitted", "emitted", "settled"], "settled once its outputs are out")
        let outputs = records.compactMap { ($0["artifact"] as? [String: Any])?["text"] as? String }
        #expect(outputs == ["HELLO WORLD!", "HELLO", "WORLD!"], "split's input and its outputs, with payloads")
    }

    @Test func showNamesWhatItCannotFind() async throws {
        let journal = try Self.journalPath()
        _ = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--journal", journal, "--run-id", "only1"])
        let unknownRun = try await CLI.run(["runs", "show", "nope", "--journal", journal])
        #expect(unknownRun.status == 1)
        #expect(unknownRun.stderr == "error: journal \(journal): it holds no run nope; its latest: only1; name a run listed by `manifold runs --journal \(journal)`\n")
        let unknownNode = try await CLI.run(["runs", "show", "only1", "--journal", journal, "--node", "shuot"])
        #expect(unknownNode.status == 1)
        #expect(unknownNode.stderr == "error: run only1 has no node 'shuot'; its nodes: shout, split\n")
    }

    @Test func keepRunsAndPruneBoundTheJournal() async throws {
        let journal = try Self.journalPath()
        for index in 1...3 {
            let run = try await CLI.run(["run", "Examples/pipeline.json", "--input", "\(index)", "--journal", journal, "--run-id", "run\(index)", "--keep-runs", "2"])
            #expect(run.status == 0, "\(run.stderr)")
            if index == 3 { #expect(run.stderr.contains("journal: removed 1 older run(s) (--keep-runs 2)"), "\(run.stderr)") }
        }
        let listed = try await CLI.run(["runs", "--journal", journal, "--output", "json"])
        let ids = (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == ["run3", "run2"])

        let refused = try await CLI.run(["runs", "prune", "--journal", journal])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("say which runs to remove: --keep COUNT, --older-than AGE (e.g. 7d), or --run ID"))
        let badAge = try await CLI.run(["runs", "prune", "--older-than", "soon", "--journal", journal])
        #expect(badAge.status == 64)
        #expect(badAge.stderr.contains("--older-than takes an age such as 30m, 12h or 7d, got 'soon'"), "\(badAge.stderr)")
        let negative = try await CLI.run(["runs", "prune", "--keep=-1", "--journal", journal])
        #expect(negative.status == 64)
        #expect(negative.stderr.contains("--keep takes a count of 0 or more, got -1"), "\(negative.stderr)")
        let one = try await CLI.run(["runs", "prune", "--run", "run2", "--journal", journal])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stderr.hasPrefix("removed 1 run(s)"))
        let all = try await CLI.run(["runs", "prune", "--older-than", "0s", "--journal", journal])
        #expect(all.stderr.hasPrefix("removed 1 run(s)"), "\(all.stderr)")
        let empty = try await CLI.run(["runs", "--journal", journal])
        #expect(empty.stdout.isEmpty)
        #expect(empty.stderr.contains("no runs in \(journal)"))
    }

    @Test func recordUsesTheDefaultJournal() async throws {
        let journal = try Self.journalPath()
        let run = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--record", "--run-id", "dflt1"], environment: ["MANIFOLD_JOURNAL": journal])
        #expect(run.status == 0, "\(run.stderr)")
        let list = try await CLI.run(["runs"], environment: ["MANIFOLD_JOURNAL": journal])
        #expect(list.stdout.contains("dflt1  pipeline  finished"), "\(list.stdout)\(list.stderr)")
        let both = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--record", "--journal", journal])
        #expect(both.status == 64)
        let keepAlone = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--keep-runs", "3"])
        #expect(keepAlone.status == 64)
        #expect(keepAlone.stderr.contains("--keep-runs prunes the run's journal: add --journal FILE or --record"))
        let keepNone = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--journal", journal, "--keep-runs", "0"])
        #expect(keepNone.status == 64)
        #expect(keepNone.stderr.contains("--keep-runs takes a count of at least 1, got 0"), "\(keepNone.stderr)")
    }

    @Test func aJournalThatCannotBeUsedStopsTheRunBeforeAnyPluginRuns() async throws {
        let garbage = try Self.journalPath()
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
        let corrupt = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--journal", garbage])
        #expect(corrupt.status == 1)
        #expect(corrupt.stdout.isEmpty, "nothing ran")
        #expect(corrupt.stderr.contains("error: journal \(garbage): could not open: it is not a database, or a damaged one"), "\(corrupt.stderr)")

        let folder = try Self.journalPath()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let directory = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--journal", folder])
        #expect(directory.status == 1)
        #expect(directory.stdout.isEmpty)
        #expect(directory.stderr.contains("error: journal \(folder): could not open"), "\(directory.stderr)")

        let journal = try Self.journalPath()
        _ = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--journal", journal, "--run-id", "same"])
        let again = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--journal", journal, "--run-id", "same"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("it already holds a run with id same; choose another --run-id"), "\(again.stderr)")
        #expect(again.stdout.isEmpty)
    }

    @Test func aRunKilledMidwayIsShownAsInterruptedWithWhatItDid() async throws {
        let journal = try Self.journalPath()
        let child = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", "Examples/pipeline.json", "--lines", "--journal", journal, "--run-id", "killed1"],
            directory: CLI.repositoryRoot, takesSlot: false)
        child.input.fileHandleForWriting.write(Data("first line\n".utf8))
        let seen = await child.readOutput(until: "LINE!\n", timeLimit: CLI.timeLimit)
        #expect(String(decoding: seen, as: UTF8.self) == "FIRST\nLINE!\n")
        // The journal writes a batch as soon as it has one; give the first a moment to land.
        var shown = CLI.Result(status: -1, stdout: "", stderr: "")
        for _ in 0..<100 {
            shown = try await CLI.run(["runs", "show", "killed1", "--journal", journal])
            if shown.stdout.contains("split  done") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(child.processIdentifier, SIGKILL)
        _ = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: seen)
        let list = try await CLI.run(["runs", "--journal", journal])
        #expect(list.stdout.contains("killed1  pipeline  interrupted"), "\(list.stdout)")
        shown = try await CLI.run(["runs", "show", "killed1", "--journal", journal])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("graph pipeline (Examples/pipeline.json), interrupted, started"), "\(shown.stdout)")
        #expect(shown.stdout.contains("text/plain fed  \"first line\""))
        #expect(shown.stdout.contains("split  done"))
    }

    @Test func aNATSHubIsRefusedWithTheReason() async throws {
        let journal = try Self.journalPath()
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--journal", journal, "--hub", "nats://127.0.0.1:1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: --journal records a run in one process; on a NATS hub the run's stream keeps its artifacts"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: journal), "nothing was created")
    }
}
