import Foundation
import Testing

/// `manifold run` on the bundled examples: outputs, exit codes, stdin, stats, Ctrl-C — each
/// run with the hub in process and on a real NATS server (`TestHub`) where the hub matters.
@Suite("manifold run")
struct RunCommandTests {
    @Test(arguments: TestHub.allCases) func pipelineStreamsWords(hub: TestHub) async throws {
        let result = try await hub.run(["run", "Examples/pipeline.json", "--input", "hello big world"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "HELLO\nBIG\nWORLD!\n")
    }

    @Test(arguments: TestHub.allCases) func inputFromAFile(hub: TestHub) async throws {
        let path = NSTemporaryDirectory() + "manifold-input-\(UUID().uuidString).txt"
        try "from a file".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await hub.run(["run", "Examples/pipeline.json", "--input-file", path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "FROM\nA\nFILE!\n")
    }

    @Test func aMissingInputFileIsAClearError() async throws {
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input-file", "/nonexistent/input.txt"])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot read --input-file /nonexistent/input.txt: no such file or directory; check the path"))
        let folder = try await CLI.run(["run", "Examples/pipeline.json", "--input-file", "/tmp"])
        #expect(folder.status != 0)
        #expect(folder.stderr.contains("cannot read --input-file /tmp: is a directory; name a file, not a folder"))
    }

    @Test func theGraphAndAnInputFileMayBeProcessSubstitutions() async throws {
        let graph = try CLI.writeGraph(try String(contentsOfFile: CLI.repositoryRoot + "/Examples/pipeline.json", encoding: .utf8)
            .replacingOccurrences(of: "../manifests/plugins", with: "$PLUGINS"))
        let result = try await CLI.shell(#""$MANIFOLD" run <(cat '\#(graph)') --input-file <(printf 'from a pipe')"#)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "FROM\nA\nPIPE!\n")
    }

    @Test func aGraphManifestPastTheSizeLimitIsRefused() async throws {
        let result = try await CLI.shell(#""$MANIFOLD" run <(head -c 17000000 /dev/zero) --input x"#)
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("cannot read the graph manifest: it is larger than 16 MiB"))
    }

    @Test(arguments: TestHub.allCases) func timeoutEndsTheRunWith124(hub: TestHub) async throws {
        // Standard input stays open, so only the time limit can end this run.
        let finished = try await hub.with { hubArguments in
            let child = try await ChildProcess.launch(
                executable: CLI.executable, arguments: ["run", "Examples/pipeline.json", "--lines", "--timeout", "1"] + hubArguments,
                directory: CLI.repositoryRoot)
            return await child.collect(timeLimit: CLI.timeLimit)
        }
        #expect(!finished.timedOut, "--timeout 1 did not end the run; stderr:\n\(finished.stderr)")
        #expect(finished.status == 124)
        #expect(finished.stderr.contains("error: timed out after 1.0 s; nodes were shut down"))
    }

    @Test(arguments: TestHub.allCases) func inputFromStandardInput(hub: TestHub) async throws {
        let result = try await hub.run(["run", "Examples/pipeline.json"], stdin: "piped text")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "PIPED\nTEXT!\n")
    }

    @Test(arguments: TestHub.allCases) func linesFromStandardInputAreSeparateArtifacts(hub: TestHub) async throws {
        let result = try await hub.run(["run", "Examples/pipeline.json", "--lines"], stdin: "one\ntwo\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "ONE!\nTWO!\n")
    }

    @Test(arguments: TestHub.allCases) func fanOutReachesEveryBranchAndFansIn(hub: TestHub) async throws {
        let result = try await hub.run(["run", "Examples/fan-out.json", "--input", "hi"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = Set(result.stdout.split(separator: "\n").map(String.init))
        #expect(lines == ["HI", "\"hi\"", "[tagged] hi"])
    }

    @Test(arguments: TestHub.allCases) func middlewareOnSeveralNodes(hub: TestHub) async throws {
        let result = try await hub.run(
            ["run", "Examples/middleware.json"], stdin: "my password is hunter2\ncall 555 0100\n\nbye")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "CALL ### ####\nBYE\n")
        let logLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(logLines.contains { $0.contains("\"node\":\"guard\"") && $0.contains("\"event\":\"input\"") })
        #expect(logLines.contains { $0.contains("\"node\":\"shout\"") && $0.contains("\"event\":\"output\"") })
    }

    @Test(arguments: TestHub.allCases) func jsonOutputDescribesEachArtifact(hub: TestHub) async throws {
        let result = try await hub.run(["run", "Examples/pipeline.json", "--input", "a b", "--output", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let objects = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 2)
        #expect(objects.map { $0["text"] as? String } == ["A", "B!"])
        #expect(objects.allSatisfy { $0["output"] as? String == "words" && $0["origin"] as? String == "split" })
    }

    @Test(arguments: TestHub.allCases) func statsReportNodesAndTopics(hub: TestHub) async throws {
        let result = try await hub.run(["run", "Examples/pipeline.json", "--input", "x y", "--stats"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("nodes:"))
        #expect(result.stderr.contains("shout"))
        #expect(result.stderr.contains("topics:"))
        #expect(result.stderr.contains("outputs: words=2"))
        let header = try #require(result.stderr.split(separator: "\n").first { $0.contains("processed") })
        #expect(header.contains("p50") && header.contains("p99"))
        let shout = try #require(result.stderr.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("shout ") })
        #expect(shout.split(separator: " ", omittingEmptySubsequences: true).count >= 13, "every column filled: \(shout)")
    }

    @Test(arguments: TestHub.allCases) func eventsAreWrittenAsJSONLinesWithoutPayloads(hub: TestHub) async throws {
        let path = NSTemporaryDirectory() + "manifold-events-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let secret = "sk-live-do-not-print-0123"
        let result = try await hub.run(["run", "Examples/pipeline.json", "--input", "hi \(secret)", "--events", path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.lowercased().contains(secret.lowercased()), "payloads never reach the event log")
        let records = try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        func count(_ event: String, _ key: String? = nil, _ value: String? = nil) -> Int {
            records.filter { $0["event"] as? String == event && (key == nil || $0[key!] as? String == value) }.count
        }
        #expect(count("node-started") == 2 && count("node-stopped") == 2)
        #expect(count("published", "topic", "input") == 1)
        #expect(count("published", "topic", "words") == 2)
        #expect(count("input-done", "node", "shout") == 1 && count("input-done", "node", "split") == 1)
        #expect(count("output", "node", "split") == 2)
        #expect(records.allSatisfy { $0["time"] is String })
        let done = try #require(records.first { $0["event"] as? String == "input-done" })
        #expect((done["durationMicroseconds"] as? Double ?? -1) >= 0 && done["succeeded"] as? Bool == true)
    }

    @Test func eventsToAnUnwritablePathIsRefused() async throws {
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--events", "/nonexistent-dir/events.jsonl"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("--events /nonexistent-dir/events.jsonl: cannot create the file (No such file or directory)"))
    }

    /// A full disk costs the event log, reported once, never the run's outputs.
    @Test(arguments: TestHub.allCases) func anEventLogOnAFullDiskIsReportedOnceAndTheRunGoesOn(hub: TestHub) async throws {
        let result = try await hub.run(["run", "Examples/pipeline.json", "--input", "a b", "--events", "/dev/full"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "A\nB!\n")
        #expect(result.stderr.components(separatedBy: "--events /dev/full: writing failed (No space left on device)").count == 2, "stderr: \(result.stderr)")
    }

    /// A FIFO is a fine event log once someone reads it; one nobody reads is refused at once
    /// instead of hanging the run in open(2).
    @Test func eventsToAFIFONobodyReadsIsRefusedWithoutHanging() async throws {
        let fifo = NSTemporaryDirectory() + "manifold-events-" + UUID().uuidString
        #expect(mkfifo(fifo, 0o600) == 0)
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--events", fifo])
        #expect(result.status == 1)
        #expect(result.stderr.contains("it is a FIFO nobody is reading"), "stderr: \(result.stderr)")
        let read = try await CLI.shell("cat \(fifo) > \(fifo).log & sleep 0.2; \"$MANIFOLD\" run Examples/pipeline.json --input 'a b' --events \(fifo); wait")
        #expect(read.status == 0, "stderr: \(read.stderr)")
        let lines = try String(contentsOfFile: fifo + ".log", encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains("\"event\":\"output\"") })
    }

    @Test func invalidGraphIsNotRun() async throws {
        let result = try await CLI.run(["run", "Examples/mistyped.json", "--input", "1"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("type mismatch"))
        #expect(result.stderr.contains("not run"))
    }

    @Test func noInputIsAClearError() async throws {
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--to", "nope", "--input", "x"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("the graph has no input 'nope'; it has: text"))
    }

    @Test(arguments: TestHub.allCases) func ctrlCStopsGracefullyWith130(hub: TestHub) async throws {
        let finished = try await hub.pipelineStopped(by: SIGINT)
        #expect(!finished.timedOut, "one Ctrl-C did not stop the run; stderr:\n\(finished.stderr)")
        #expect(finished.terminationReason == .exit)
        #expect(finished.status == 130)
        // The graceful path, not the second Ctrl-C's cancellation.
        #expect(finished.stderr.contains("stopping (SIGINT)"))
        #expect(!finished.stderr.contains("ending the run"))
        #expect(finished.stderr.contains("stopped: 1 input(s) read and drained through the graph"))
        #expect(finished.stdout == "FIRST\nLINE!\n")
    }
}
