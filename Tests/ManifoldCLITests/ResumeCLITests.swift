import Foundation
import Synchronization
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
            directory: CLI.repositoryRoot, takesSlot: false)
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

    @Test func aRunWhoseGraphFileIsGoneIsRefusedWithTheFix() async throws {
        let folder = try Self.folder()
        let graph = try await Self.gatedGraph(in: folder)
        let journal = try await Self.killedRun(in: folder, graph: graph, runID: "gone1")
        try FileManager.default.removeItem(atPath: graph)
        let refused = try await CLI.run(["resume", "gone1", "--journal", journal])
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr == "error: run gone1 ran graph \(graph), which no longer exists; restore the file to resume the run\n")
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
            directory: CLI.repositoryRoot, takesSlot: false)
        child.input.fileHandleForWriting.write(Data("x\n".utf8))
        let seen = await child.readOutput(until: "X!\n", timeLimit: CLI.timeLimit)
        let live = try await CLI.run(["resume", "live1", "--journal", journal])
        #expect(live.status == 1)
        #expect(live.stderr.contains("error: run live1 is still running (pid \(child.processIdentifier) on "), "\(live.stderr)")
        try child.input.fileHandleForWriting.close()
        _ = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: seen)
    }

    // MARK: An agent and its tools

    /// An OpenAI-compatible stream of one tool call, pow(2, 10).
    static let toolCallStream = LoopbackHTTPServer.Response(pieces: [
        #"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_pow","type":"function","function":{"name":"pow","arguments":""}}]},"finish_reason":null}]}"# + "\n\n",
        #"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\": 2, \"y\": 10}"}}]},"finish_reason":null}]}"# + "\n\n",
        #"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"# + "\n\n",
        "data: [DONE]\n\n",
    ])

    /// An OpenAI-compatible stream of the final answer.
    static let answerStream = LoopbackHTTPServer.Response(pieces: [
        #"data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"2 to the power of 10 is 1024."},"finish_reason":null}]}"# + "\n\n",
        #"data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n",
        "data: [DONE]\n\n",
    ])

    /// Whether a chat request carries a tool result (the model's second call of the turn).
    static func carriesToolResult(_ request: LoopbackHTTPServer.Request) -> Bool {
        request.body.range(of: #""role"\s*:\s*"tool""#, options: .regularExpression) != nil
    }

    /// The agent ↔ tools graph of Examples/agent-tools.json with its model behind `server`.
    static func agentGraph(server: LoopbackHTTPServer) throws -> String {
        try CLI.writeGraph("""
            {"manifold": 1, "name": "agent-tools-resumed", "plugins": ["$PLUGINS"], "allowCycles": true,
             "inputs": {"prompt": {"topic": "prompt", "types": ["text/plain"]}},
             "outputs": {"answer": {"topic": "agent.out", "types": ["chat/message"]}},
             "nodes": {
               "agent": {"plugin": "agent", "subscribe": ["prompt", "tools.out"], "output": "agent.out",
                         "config": {"provider": {"provider": "openai", "model": "m", "baseURL": "\(server.baseURL)/v1", "maxRetries": 0},
                                    "toolCatalog": "request", "emitDeltas": false}},
               "tools": {"plugin": "tools", "subscribe": ["agent.out"], "output": "tools.out",
                         "config": {"tools": [{"name": "pow", "description": "x to the y.", "library": "libm.so.6", "symbol": "pow",
                                               "signature": "double(double x, double y)"}]}}}}
            """)
    }

    @Test func aKilledAgentRunIsResumedWithoutRepeatingAFinishedModelCall() async throws {
        // The uninterrupted run, for what the answer must be.
        let steady = try LoopbackHTTPServer { request in Self.carriesToolResult(request) ? Self.answerStream : Self.toolCallStream }
        defer { steady.stop() }
        let uninterrupted = try await CLI.run(["run", try Self.agentGraph(server: steady), "--input", "What is 2 to the power of 10?"])
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")
        #expect(steady.requests.count == 2)

        // The same, with the model's second call hanging the first time: the run is killed there.
        let hung = Atomic<Bool>(false)
        let server = try LoopbackHTTPServer { request in
            guard Self.carriesToolResult(request) else { return Self.toolCallStream }
            return hung.exchange(true, ordering: .relaxed) ? Self.answerStream : .init(pieces: [], ending: .hang)
        }
        defer { server.stop() }
        let graph = try Self.agentGraph(server: server)
        let folder = try Self.folder()
        let journal = folder + "/runs.db"
        let child = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", graph, "--lines", "--journal", journal, "--run-id", "agent1"],
            directory: CLI.repositoryRoot, takesSlot: false)
        child.input.fileHandleForWriting.write(Data("What is 2 to the power of 10?\n".utf8))
        #expect(await server.waitForRequests(2, seconds: 60), "the second model call never came")
        // Until the journal holds the settled tool call, and the agent's settled turn step.
        for _ in 0..<400 {
            let shown = try await CLI.run(["runs", "show", "agent1", "--journal", journal])
            if shown.stdout.contains("tools: 2 settled"), shown.stdout.contains("agent: 2 settled") { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        kill(child.processIdentifier, SIGKILL)
        let killed = await child.collect(timeLimit: CLI.timeLimit)
        #expect(killed.stdout.isEmpty, "no answer before the kill")

        let resumed = try await CLI.run(["resume", "agent1", "--journal", journal])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout == uninterrupted.stdout, "the same final answer as without the crash")
        let requests = server.requests
        #expect(requests.count == 3, "the call cut off by the kill is made again, nothing else: \(requests.count) requests")
        #expect(requests.filter { !Self.carriesToolResult($0) }.count == 1, "the finished first model call was not made again")
        #expect(requests.last.map { $0.body.contains("1024") } == true, "the resumed call carries the tool's result")
        let listed = try await CLI.run(["runs", "--journal", journal])
        #expect(listed.stdout.contains("agent1  agent-tools-resumed  finished"), "\(listed.stdout)")
    }

    @Test func aKilledScriptedAgentRunIsResumedFromItsSavedTurn() async throws {
        // Examples/agent-tools.json with its `pow` tool replaced by a C function that holds
        // while the file `hold` exists: the run is killed with the agent's first model call
        // finished and its tool call in the tools node.
        let folder = try Self.folder()
        let source = folder + "/held.c"
        try """
            #include <unistd.h>
            double held_pow(double x, double y) {
                while (access("\(folder)/hold", F_OK) == 0) usleep(2000);
                double result = 1;
                for (int i = 0; i < (int)y; i++) result *= x;
                return result;
            }
            """.write(toFile: source, atomically: true, encoding: .utf8)
        try await TestCPlugin.compile([source], into: folder + "/libheld.so")
        var text = try String(contentsOfFile: CLI.repositoryRoot + "/Examples/agent-tools.json", encoding: .utf8)
        text = text.replacingOccurrences(
            of: #""library": "libm.so.6", "symbol": "pow""#, with: #""library": "\#(folder)/libheld.so", "symbol": "held_pow""#)
        text = text.replacingOccurrences(of: "\"../manifests/plugins\"", with: "\"\(CLI.repositoryRoot)/manifests/plugins\"")
        // The tools node's 10 s timeout would end the held call on a slow machine.
        text = text.replacingOccurrences(of: #"{ "plugin": "timeout", "config": { "seconds": 10 } }"#, with: #"{ "plugin": "timeout", "config": { "seconds": 600 } }"#)
        let graph = folder + "/agent-tools.json"
        try text.write(toFile: graph, atomically: true, encoding: .utf8)
        #expect(FileManager.default.createFile(atPath: folder + "/hold", contents: Data()))
        let journal = folder + "/runs.db"
        let child = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", graph, "--lines", "--journal", journal, "--run-id", "scripted1"],
            directory: CLI.repositoryRoot, takesSlot: false)
        child.input.fileHandleForWriting.write(Data("What is 2 to the power of 10?\n".utf8))
        // The tool call holds for as long as the file is there: no race with the kill.
        var ready = false
        for _ in 0..<2400 where !ready {
            let shown = try await CLI.run(["runs", "show", "scripted1", "--journal", journal])
            ready = shown.stdout.contains("agent: 2 settled") && shown.stdout.contains("tools: 1 settled")
                && shown.stdout.contains("text/plain fed")
            if !ready { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(ready, "the run never got to its tool call")
        kill(child.processIdentifier, SIGKILL)
        let killed = await child.collect(timeLimit: CLI.timeLimit)
        #expect(killed.stdout.isEmpty, "no answer before the kill")
        try FileManager.default.removeItem(atPath: folder + "/hold")

        let resumed = try await CLI.run(["resume", "scripted1", "--journal", journal, "--log-level", "info"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout == "2 to the power of 10 is 1024.\n")
        #expect(resumed.stderr.contains("agent: 0 user turns, 1 answers, 1 model calls"), "only the call after the tool result: \(resumed.stderr)")
        #expect(resumed.stderr.contains("1 tool results"), "\(resumed.stderr)")
    }
}
