import Foundation
import Testing

/// `manifold resume`: a run killed with SIGKILL is carried on from its journal — what it had
/// not finished is done, nothing it finished is done again, outputs it showed are not shown
/// again — and a run whose graph or plugins changed is refused unless asked.
@Suite("manifold resume")
struct ResumeCLITests {
    /// A graph `gate` → `uppercase`: `gate` passes its input on, but holds on `hang` for as
    /// long as the file `hold` exists; each input it is given is appended to `seen`.
    static func gatedGraph(in folder: String) async throws -> String {
        let plugin = try await TestCPlugin.build(
            name: "gate",
            process: """
                char text[64];
                size_t length = input->payload.length < 63 ? input->payload.length : 63;
                memcpy(text, input->payload.data, length);
                text[length] = 0;
                FILE *seen = fopen("\(folder)/seen", "a");
                if (seen) { fprintf(seen, "%s\\n", text); fclose(seen); }
                while (strcmp(text, "hang") == 0 && access("\(folder)/hold", F_OK) == 0) usleep(2000);
                manifold_artifact out;
                memset(&out, 0, sizeof out);
                out.struct_size = sizeof out;
                out.type = manifold_str_from_cstr("text/plain");
                out.payload.data = (const uint8_t *)text;
                out.payload.length = length;
                call->emit(call->context, &out);
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """,
            extraSource: "#include <stdio.h>")
        let graph = folder + "/gated.json"
        try """
            {"manifold": 1, "name": "gated", "plugins": ["\(plugin)", "\(CLI.repositoryRoot)/manifests/plugins"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {
               "gate": {"plugin": "gate", "subscribe": ["in"], "output": "passed"},
               "loud": {"plugin": "uppercase", "subscribe": ["passed"], "output": "out"}}}
            """.write(toFile: graph, atomically: true, encoding: .utf8)
        return graph
    }

    static func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "manifold-resume-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder
    }

    /// Runs the gated graph on `a b hang c` with a journal, kills it with SIGKILL while `gate`
    /// holds `hang` (a and b came out), and returns the journal.
    static func killedRun(in folder: String, graph: String, runID: String) async throws -> String {
        let journal = folder + "/runs.db"
        #expect(FileManager.default.createFile(atPath: folder + "/hold", contents: Data()))
        let child = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", graph, "--lines", "--journal", journal, "--run-id", runID],
            directory: CLI.repositoryRoot)
        // One at a time, so a and b are finished (not waiting in a batch with `hang`) when it comes.
        var seen = Data()
        for line in ["a", "b"] {
            child.input.fileHandleForWriting.write(Data("\(line)\n".utf8))
            seen += await child.readOutput(until: line.uppercased() + "\n", timeLimit: CLI.timeLimit)
        }
        #expect(String(decoding: seen, as: UTF8.self) == "A\nB\n")
        child.input.fileHandleForWriting.write(Data("hang\nc\n".utf8))
        // Until the journal shows gate began on `hang`'s neighbours: `c` was fed, `b` settled by loud.
        for _ in 0..<200 {
            let shown = try await CLI.run(["runs", "show", runID, "--journal", journal, "--output", "json"])
            if shown.stdout.contains("\"text\":\"c\""), shown.stdout.contains("\"shown\"") { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        kill(child.processIdentifier, SIGKILL)
        _ = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: seen)
        return journal
    }

    @Test func aKilledRunIsCarriedOnWithoutRedoingWhatItFinished() async throws {
        let folder = try Self.folder()
        let graph = try await Self.gatedGraph(in: folder)
        let journal = try await Self.killedRun(in: folder, graph: graph, runID: "killed2")
        let listed = try await CLI.run(["runs", "--journal", journal])
        #expect(listed.stdout.contains("killed2  gated  interrupted"), "\(listed.stdout)")
        try FileManager.default.removeItem(atPath: folder + "/hold")

        let resumed = try await CLI.run(["resume", "killed2", "--journal", journal])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout == "HANG\nC\n", "only what the run had not shown: \(resumed.stdout)")
        #expect(resumed.stderr.contains("resuming run killed2: 2 artifact(s) to deliver again"), "\(resumed.stderr)")
        let seen = try String(contentsOfFile: folder + "/seen", encoding: .utf8)
        #expect(seen == "a\nb\nhang\nhang\nc\n", "gate did a and b once; only the input it was holding is done again")

        let after = try await CLI.run(["runs", "--journal", journal])
        #expect(after.stdout.contains("killed2  gated  finished"), "\(after.stdout)")
        let again = try await CLI.run(["resume", "killed2", "--journal", journal])
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.contains("run killed2 finished at "), "\(again.stderr)")
        #expect(again.stderr.contains("there is nothing to resume"))
    }

    @Test func aChangedGraphIsRefusedUnlessAllowed() async throws {
        let folder = try Self.folder()
        let graph = try await Self.gatedGraph(in: folder)
        let journal = try await Self.killedRun(in: folder, graph: graph, runID: "changed1")
        try FileManager.default.removeItem(atPath: folder + "/hold")
        var text = try String(contentsOfFile: graph, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"name\": \"gated\"", with: "\"name\": \"gated\", \"description\": \"edited\"")
        try text.write(toFile: graph, atomically: true, encoding: .utf8)

        let refused = try await CLI.run(["resume", "changed1", "--journal", journal])
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty, "nothing ran")
        #expect(refused.stderr.contains("error: run changed1 cannot be resumed as it was: since it started,\n  - graph \(graph) changed (sha256 "), "\(refused.stderr)")
        #expect(refused.stderr.contains("pass --allow-changed to resume anyway"))

        let allowed = try await CLI.run(["resume", "changed1", "--journal", journal, "--allow-changed"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("warning: resuming run changed1 although, since it started,"))
        #expect(allowed.stdout == "HANG\nC\n")
    }

    @Test func unknownAndLiveRunsAreRefused() async throws {
        let folder = try Self.folder()
        let journal = folder + "/runs.db"
        _ = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--journal", journal, "--run-id", "done1"])
        let unknown = try await CLI.run(["resume", "nope", "--journal", journal])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("it holds no run nope; its latest: done1"))

        let child = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", "Examples/pipeline.json", "--lines", "--journal", journal, "--run-id", "live1"],
            directory: CLI.repositoryRoot)
        child.input.fileHandleForWriting.write(Data("x\n".utf8))
        let seen = await child.readOutput(until: "X!\n", timeLimit: CLI.timeLimit)
        let live = try await CLI.run(["resume", "live1", "--journal", journal])
        #expect(live.status == 1)
        #expect(live.stderr.contains("error: run live1 is still running (pid \(child.processIdentifier) on "), "\(live.stderr)")
        try child.input.fileHandleForWriting.close()
        _ = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: seen)
    }
}
