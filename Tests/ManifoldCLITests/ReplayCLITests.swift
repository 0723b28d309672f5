import Foundation
import Testing

/// `manifold replay RUN --from NODE`: a recorded node's inputs fed to it again, with the graph
/// as it is now, as a new run; what comes before the node does not run.
@Suite("manifold replay")
struct ReplayCLITests {
    @Test func aNodeIsReplayedWithTheCurrentGraphAndNothingBeforeItRuns() async throws {
        let folder = NSTemporaryDirectory() + "manifold-replay-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let journal = folder + "/runs.db"
        let recorded = try await CLI.run(["run", "Examples/pipeline.json", "--input", "hello world", "--journal", journal, "--run-id", "rec1"])
        #expect(recorded.stdout == "HELLO\nWORLD!\n", "\(recorded.stderr)")

        // The same graph with split's config changed: the text whole, not word by word.
        var text = try String(contentsOfFile: CLI.repositoryRoot + "/Examples/pipeline.json", encoding: .utf8)
        text = text.replacingOccurrences(of: #""config": { "split": "words" }"#, with: #""config": { "split": "none", "prefix": "> " }"#)
        text = text.replacingOccurrences(of: "\"../manifests/plugins\"", with: "\"\(CLI.repositoryRoot)/manifests/plugins\"")
        let changed = folder + "/pipeline.json"
        try text.write(toFile: changed, atomically: true, encoding: .utf8)

        let replayed = try await CLI.run(["replay", "rec1", "--from", "split", "--graph", changed, "--journal", journal])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdout == "> HELLO WORLD!\n")
        #expect(replayed.stderr.contains("replaying 1 input(s) of node 'split' from run rec1 as run "), "\(replayed.stderr)")

        let listed = try await CLI.run(["runs", "--journal", journal, "--output", "json"])
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 2)
        let replayID = try #require(runs.first { $0["id"] as? String != "rec1" }?["id"] as? String)
        let shown = try await CLI.run(["runs", "show", replayID, "--journal", journal])
        #expect(shown.stdout.contains("split: 1 settled (0 failed), 1 emitted"), "\(shown.stdout)")
        #expect(shown.stdout.contains("shout: 0 settled (0 failed), 0 emitted"), "the node before it did not run: \(shown.stdout)")

        let again = try await CLI.run(["replay", "rec1", "--from", "split", "--journal", journal])
        #expect(again.stdout == "HELLO\nWORLD!\n", "without --graph, the run's own graph file")
    }

    @Test func unknownNodesAndRunsAreRefused() async throws {
        let folder = NSTemporaryDirectory() + "manifold-replay-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let journal = folder + "/runs.db"
        _ = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--journal", journal, "--run-id", "rec2"])
        let unknown = try await CLI.run(["replay", "rec2", "--from", "splitt", "--journal", journal])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("has no node 'splitt'; its nodes: shout, split"), "\(unknown.stderr)")

        let unknownRun = try await CLI.run(["replay", "nope", "--from", "split", "--journal", journal])
        #expect(unknownRun.status == 1)
        #expect(unknownRun.stderr.contains("it holds no run nope; its latest: rec2"), "\(unknownRun.stderr)")
    }
}
