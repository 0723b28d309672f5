import Foundation
import Synchronization
import Testing

/// Human approval of tool calls, as a user drives it: the run prints each held call with its
/// token, `manifold approve`/`deny` decide from another process (in any order), a denial
/// reaches the model as a tool error, a pending approval outlives a crash with its token,
/// and the run's own terminal asks when it has one.
@Suite("manifold approve")
struct ApprovalCLITests {
    // MARK: A model behind a fake OpenAI server

    /// One streamed turn asking for pow(2, 10) and pow(3, 3) at once.
    static let twoCallsStream = LoopbackHTTPServer.Response(pieces: [
        #"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"pow","arguments":"{\"x\": 2, \"y\": 10}"}}]},"finish_reason":null}]}"# + "\n\n",
        #"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"pow","arguments":"{\"x\": 3, \"y\": 3}"}}]},"finish_reason":null}]}"# + "\n\n",
        #"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"# + "\n\n",
        "data: [DONE]\n\n",
    ])

    static let answerStream = LoopbackHTTPServer.Response(pieces: [
        #"data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Done."},"finish_reason":null}]}"# + "\n\n",
        #"data: {"id":"c2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n",
        "data: [DONE]\n\n",
    ])

    static func carriesToolResult(_ request: LoopbackHTTPServer.Request) -> Bool {
        request.body.range(of: #""role"\s*:\s*"tool""#, options: .regularExpression) != nil
    }

    /// The agent ↔ tools graph with an approval middleware on the tools node; the model is
    /// `server`, or the scripted provider's `script` when no server is given.
    static func graph(server: LoopbackHTTPServer? = nil, script: String? = nil, approval: String = "{}") throws -> String {
        let provider = server.map { #"{"provider": "openai", "model": "m", "baseURL": "\#($0.baseURL)/v1", "maxRetries": 0}"# }
            ?? #"{"provider": "scripted", "script": \#(script ?? "[]")}"#
        return try CLI.writeGraph("""
            {"manifold": 1, "name": "approved-tools", "plugins": ["$PLUGINS"], "allowCycles": true,
             "inputs": {"prompt": {"topic": "prompt", "types": ["text/plain"]}},
             "outputs": {"answer": {"topic": "agent.out", "types": ["chat/message"]}},
             "nodes": {
               "agent": {"plugin": "agent", "subscribe": ["prompt", "tools.out"], "output": "agent.out",
                         "config": {"provider": \(provider), "toolCatalog": "request", "emitDeltas": false}},
               "tools": {"plugin": "tools", "subscribe": ["agent.out"], "output": "tools.out",
                         "middleware": [{"plugin": "approval", "config": \(approval)}],
                         "config": {"tools": [{"name": "pow", "description": "x to the y.", "library": "libm.so.6", "symbol": "pow",
                                               "signature": "double(double x, double y)"}]}}}}
            """)
    }

    static func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "manifold-approve-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder
    }

    /// The approvals of `run` once `count` of them wait: (token, arguments as JSON text).
    static func pending(_ count: Int, run: String, journal: String) async throws -> [(token: String, arguments: String)] {
        for _ in 0..<2400 {
            let listed = try await CLI.run(["approvals", run, "--journal", journal, "--output", "json"])
            if let data = listed.stdout.data(using: .utf8),
                let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]],
                entries.filter({ $0["status"] as? String == "pending" }).count == count
            {
                return entries.compactMap { entry in
                    guard let token = entry["token"] as? String, let subject = entry["subject"] as? [String: Any],
                        let arguments = subject["arguments"],
                        let text = try? JSONSerialization.data(withJSONObject: arguments, options: [.sortedKeys])
                    else { return nil }
                    return (token, String(decoding: text, as: UTF8.self))
                }
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("\(count) pending approval(s) never showed in run \(run)")
        return []
    }

    static func launch(_ arguments: [String]) async throws -> ChildProcess {
        try await ChildProcess.launch(executable: CLI.executable, arguments: arguments, directory: CLI.repositoryRoot, takesSlot: false)
    }

    /// `manifold run graph --input input` recorded as `runID` in a new journal, deciding
    /// only through it (`--no-prompt`).
    static func recordedRun(_ graph: String, input: String, runID: String) async throws -> (child: ChildProcess, journal: String) {
        let journal = try folder() + "/runs.db"
        let child = try await launch(["run", graph, "--input", input, "--journal", journal, "--run-id", runID, "--no-prompt"])
        return (child, journal)
    }

    /// A model that asks for pow(2, 10) and pow(3, 3) at once, then answers "Done.".
    static func twoCallsModel() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in carriesToolResult(request) ? answerStream : twoCallsStream }
    }

    /// The graph with the scripted provider calling pow(2, 10), then answering `answer`.
    static func scriptedGraph(answer: String) throws -> String {
        try graph(script: #"[{"toolCalls": [{"id": "call_pow", "name": "pow", "arguments": {"x": 2, "y": 10}}]}, {"text": "\#(answer)"}]"#)
    }

    // MARK: Tests

    @Test func twoCallsOfOneTurnEachHaveATokenAndAreApprovedInReverseOrder() async throws {
        let server = try Self.twoCallsModel()
        defer { server.stop() }
        let (child, journal) = try await Self.recordedRun(try Self.graph(server: server), input: "2^10 and 3^3?", runID: "par1")
        let pending = try await Self.pending(2, run: "par1", journal: journal)
        #expect(Set(pending.map(\.token)).count == 2, "one token per call")
        #expect(Set(pending.map(\.arguments)) == [#"{"x":2,"y":10}"#, #"{"x":3,"y":3}"#])
        #expect(server.requests.count == 1, "no result reached the model before a decision")
        for approval in pending.reversed() {
            let approved = try await CLI.run(["approve", "par1", approval.token, "--journal", journal])
            #expect(approved.status == 0, "\(approved.stderr)")
            #expect(approved.stdout.hasPrefix("approved \(approval.token): node 'tools' holds tool 'pow' "), "\(approved.stdout)")
            #expect(approved.stderr.contains("run par1 goes on with it within a second"))
        }
        let finished = await child.collect(timeLimit: CLI.timeLimit)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stdout.contains("Done."))
        for approval in pending {
            #expect(finished.stderr.contains("approval needed \(approval.token): node 'tools' holds tool 'pow' "), "\(finished.stderr)")
            #expect(finished.stderr.contains("manifold approve par1 \(approval.token) --journal \(journal)"), "the command to decide, ready to paste")
            #expect(finished.stderr.contains("approval \(approval.token): approved by `manifold approve`"))
        }
        let requests = server.requests
        #expect(requests.count == 2)
        let second = requests.last?.body ?? ""
        #expect(second.contains("1024") && second.contains("27"), "both results reached the model: \(second)")
        let listed = try await CLI.run(["approvals", "--journal", journal])
        #expect(listed.stderr.contains("nothing waits for a person"), "\(listed.stdout)")
    }

    @Test func aDenialReachesTheModelAsAToolError() async throws {
        let server = try Self.twoCallsModel()
        defer { server.stop() }
        let (child, journal) = try await Self.recordedRun(try Self.graph(server: server), input: "go", runID: "deny1")
        let pending = try await Self.pending(2, run: "deny1", journal: journal)
        try #require(pending.count == 2)
        let (denied, approved) = pending[0].arguments.contains("10") ? (pending[0], pending[1]) : (pending[1], pending[0])
        let deny = try await CLI.run(["deny", "deny1", denied.token, "--reason", "2^10 is too big; use 2^9", "--journal", journal])
        #expect(deny.status == 0, "\(deny.stderr)")
        #expect(deny.stdout.hasPrefix("denied \(denied.token)"))
        _ = try await CLI.run(["approve", "deny1", approved.token, "--journal", journal])
        let finished = await child.collect(timeLimit: CLI.timeLimit)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stderr.contains("approval \(denied.token): denied by `manifold deny`"))
        let second = server.requests.last?.body ?? ""
        #expect(second.contains("A person denied this tool call: 2^10 is too big; use 2^9"), "the model reads why: \(second)")
        #expect(second.contains("27"), "the approved call's result came too")
        #expect(!second.contains("1024"), "the denied call never ran")

        let again = try await CLI.run(["approve", "deny1", denied.token, "--journal", journal])
        #expect(again.status == 1)
        #expect(again.stderr.contains("error: approval \(denied.token) of run deny1 was already denied by `manifold deny`"), "\(again.stderr)")
        #expect(again.stderr.contains("the first decision stands"))
        let shown = try await CLI.run(["approvals", "deny1", "--journal", journal])
        #expect(shown.stdout.contains(denied.token) && shown.stdout.contains("denied"), "\(shown.stdout)")
    }

    @Test func aPendingApprovalOutlivesACrashWithItsToken() async throws {
        let graph = try Self.scriptedGraph(answer: "2 to the power of 10 is 1024.")
        let (child, journal) = try await Self.recordedRun(graph, input: "2^10?", runID: "crash1")
        let before = try await Self.pending(1, run: "crash1", journal: journal)
        kill(child.processIdentifier, SIGKILL)
        _ = await child.collect(timeLimit: CLI.timeLimit)
        let waiting = try await CLI.run(["approvals", "--journal", journal])
        #expect(waiting.stdout.contains(before.first?.token ?? "?") && waiting.stdout.contains("pending"), "\(waiting.stdout)")

        // Resumed, the run asks again with the same token; a decision from elsewhere lets it finish.
        let resumed = try await Self.launch(["resume", "crash1", "--journal", journal, "--no-prompt", "--log-level", "info"])
        let token = try #require(before.first?.token)
        let asked = await resumed.readError(until: "approval needed \(token)", timeLimit: CLI.timeLimit)
        #expect(String(decoding: asked, as: UTF8.self).contains("approval needed \(token): node 'tools' holds tool 'pow' {\"x\":2,\"y\":10}"))
        let approved = try await CLI.run(["approve", "crash1", token, "--journal", journal])
        #expect(approved.status == 0, "\(approved.stderr)")
        let finished = await resumed.collect(timeLimit: CLI.timeLimit, alreadyReadError: asked)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stdout == "2 to the power of 10 is 1024.\n")
        #expect(finished.stderr.contains("agent: 0 user turns, 1 answers, 1 model calls"), "the turn that asked for the tool was not redone: \(finished.stderr)")
    }

    @Test func aDecisionMadeWhileTheRunIsDownIsAppliedOnResume() async throws {
        let graph = try Self.scriptedGraph(answer: "The answer.")
        let (child, journal) = try await Self.recordedRun(graph, input: "2^10?", runID: "down1")
        let token = try #require(try await Self.pending(1, run: "down1", journal: journal).first?.token)
        kill(child.processIdentifier, SIGKILL)
        _ = await child.collect(timeLimit: CLI.timeLimit)
        let approved = try await CLI.run(["approve", "down1", token, "--edit", #"{"x": 2, "y": 3}"#, "--journal", journal])
        #expect(approved.status == 0)
        #expect(approved.stdout.contains(#"edited to {"x":2,"y":3}"#), "\(approved.stdout)")
        #expect(approved.stderr.contains("run down1 is not running (interrupted); `manifold resume down1` goes on with it"), "\(approved.stderr)")
        let resumed = try await CLI.run(["resume", "down1", "--journal", journal, "--no-prompt"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout == "The answer.\n")
        #expect(!resumed.stderr.contains("approval needed"), "nobody is asked twice: \(resumed.stderr)")
        #expect(resumed.stderr.contains(#"approval \#(token): approved with changes by `manifold approve`"#), "\(resumed.stderr)")
        let shown = try await CLI.run(["runs", "show", "down1", "--journal", journal, "--output", "json"])
        #expect(shown.stdout.contains(#""payload":{"content":"8""#), "pow ran with the edited arguments: \(shown.stdout)")
    }

    @Test func theRunsTerminalAsks() async throws {
        let graph = try Self.scriptedGraph(answer: "Asked and answered.")
        // `script` gives the run a terminal of its own; what the test writes is typed there.
        let command = "\(CLI.executable) run \(graph) --input hi"
        let child = try await ChildProcess.launch(
            executable: "/usr/bin/script", arguments: ["-qfec", command, "/dev/null"], directory: CLI.repositoryRoot, takesSlot: false)
        let asked = await child.readOutput(until: "approve? [y]es, [n]o, [e]dit: ", timeLimit: CLI.timeLimit)
        let question = String(decoding: asked, as: UTF8.self)
        #expect(question.contains("node 'tools' holds tool 'pow' {\"x\":2,\"y\":10}"), "\(question)")
        var typed = asked
        // An answer it does not know, then an edit that is no JSON: asked again each time.
        for (answer, reply) in [("maybe", "answer y, n or e"), ("e", "new arguments (JSON): "), ("{x", "that is not JSON"), ("e", "new arguments (JSON): ")] {
            child.input.fileHandleForWriting.write(Data("\(answer)\n".utf8))
            typed += await child.readOutput(until: reply, timeLimit: CLI.timeLimit)
        }
        child.input.fileHandleForWriting.write(Data(#"{"x": 2, "y": 3}"#.utf8 + Data("\n".utf8)))
        let finished = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: typed)
        #expect(finished.status == 0, "\(finished.stdout) \(finished.stderr)")
        #expect(finished.stdout.contains(#"approved with changes by the run's terminal: {"x":2,"y":3}"#), "\(finished.stdout)")
        #expect(finished.stdout.contains("Asked and answered."))
    }

    @Test func aDenialAtTheTerminalTakesAReason() async throws {
        let graph = try Self.scriptedGraph(answer: "Understood.")
        let child = try await ChildProcess.launch(
            executable: "/usr/bin/script", arguments: ["-qfec", "\(CLI.executable) run \(graph) --input hi", "/dev/null"],
            directory: CLI.repositoryRoot, takesSlot: false)
        var typed = await child.readOutput(until: "approve? [y]es, [n]o, [e]dit: ", timeLimit: CLI.timeLimit)
        child.input.fileHandleForWriting.write(Data("n\n".utf8))
        typed += await child.readOutput(until: "reason (the model reads it): ", timeLimit: CLI.timeLimit)
        child.input.fileHandleForWriting.write(Data("not today\n".utf8))
        let finished = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: typed)
        #expect(finished.status == 0, "\(finished.stdout)")
        #expect(finished.stdout.contains("denied by the run's terminal: not today"), "\(finished.stdout)")
        #expect(finished.stdout.contains("Understood."))
    }

    @Test func aDecisionFromElsewhereAnswersTheTerminalsQuestion() async throws {
        let graph = try Self.scriptedGraph(answer: "Fine.")
        let journal = try Self.folder() + "/runs.db"
        let child = try await ChildProcess.launch(
            executable: "/usr/bin/script",
            arguments: ["-qfec", "\(CLI.executable) run \(graph) --input hi --journal \(journal) --run-id tty1", "/dev/null"],
            directory: CLI.repositoryRoot, takesSlot: false)
        let typed = await child.readOutput(until: "approve? [y]es, [n]o, [e]dit: ", timeLimit: CLI.timeLimit)
        let question = String(decoding: typed, as: UTF8.self)
        #expect(question.contains("(or from another terminal:"), "the prompt says how to decide from elsewhere: \(question)")
        let token = try #require(question.firstMatch(of: /approval needed (ap-[0-9a-z]{10})/).map { String($0.1) })
        let approved = try await CLI.run(["approve", "tty1", token, "--journal", journal])
        #expect(approved.status == 0, "\(approved.stderr)")
        // Nobody answers the question: the decision made elsewhere is enough.
        let finished = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: typed)
        #expect(finished.status == 0, "\(finished.stdout)")
        #expect(finished.stdout.contains("approval \(token): approved by `manifold approve`"), "\(finished.stdout)")
        #expect(finished.stdout.contains("Fine."))
    }

    @Test func aTerminalThatGoesAwayLeavesTheQuestionToManifoldApprove() async throws {
        let graph = try Self.scriptedGraph(answer: "Still answered.")
        let journal = try Self.folder() + "/runs.db"
        let child = try await ChildProcess.launch(
            executable: "/usr/bin/script",
            arguments: ["-qfec", "\(CLI.executable) run \(graph) --input hi --journal \(journal) --run-id gone1", "/dev/null"],
            directory: CLI.repositoryRoot, takesSlot: false)
        var typed = await child.readOutput(until: "approve? [y]es, [n]o, [e]dit: ", timeLimit: CLI.timeLimit)
        // End of input at the terminal (script passes it on as ^D): nobody will answer there.
        try child.input.fileHandleForWriting.close()
        typed += await child.readOutput(until: "--reason \"…\"\r\n", timeLimit: CLI.timeLimit)
        let fallback = String(decoding: typed, as: UTF8.self)
        let token = try #require(fallback.firstMatch(of: /approval needed (ap-[0-9a-z]{10})/).map { String($0.1) })
        #expect(fallback.contains("approve? [y]es, [n]o, [e]dit: approval needed \(token)"), "announced on stderr instead: \(fallback)")
        #expect(fallback.contains("manifold approve gone1 \(token)"))
        let approved = try await CLI.run(["approve", "gone1", token, "--journal", journal])
        #expect(approved.status == 0, "\(approved.stderr)")
        let finished = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: typed)
        #expect(finished.status == 0, "\(finished.stdout)")
        #expect(finished.stdout.contains("Still answered."))
    }

    @Test func aStopWhileAnInputWaitsSaysSoAndLeavesItPending() async throws {
        let (child, journal) = try await Self.recordedRun(try Self.scriptedGraph(answer: "ok"), input: "x", runID: "stop1")
        let token = try #require(try await Self.pending(1, run: "stop1", journal: journal).first?.token)
        kill(child.processIdentifier, SIGINT)
        let noted = await child.readError(until: "stay pending, for `manifold resume`", timeLimit: CLI.timeLimit)
        #expect(String(decoding: noted, as: UTF8.self).contains("1 input(s) wait for a person: decide them to let the run finish, or stop again"))
        kill(child.processIdentifier, SIGINT)
        let finished = await child.collect(timeLimit: CLI.timeLimit, alreadyReadError: noted)
        #expect(finished.status == 130)
        #expect(try await Self.pending(1, run: "stop1", journal: journal).first?.token == token, "still waiting, for a resume")
    }

    @Test func mistakesAreRefusedWithTheFix() async throws {
        let graph = try Self.scriptedGraph(answer: "ok")
        // A rule's type that does not parse: an error of the graph, before anything runs.
        let mistyped = try Self.graph(script: "[]", approval: #"{"rules": [{"types": ["tool/call", "tool-call"]}]}"#)
        let invalid = try await CLI.run(["validate", mistyped])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains(
            "$.nodes.tools.middleware[0].config.rules[0].types[1]: error: 'tool-call' is no artifact type"), "\(invalid.stderr)")
        #expect(invalid.stderr.contains("write type/subtype, such as tool/call or text/*"))
        // No journal and no terminal: nobody could decide.
        let unreachable = try await CLI.run(["run", graph, "--input", "x", "--no-prompt"])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("error: the graph's approval middleware needs a way to ask a person"), "\(unreachable.stderr)")
        #expect(unreachable.stderr.contains("add --record (or --journal FILE)"))
        let distributed = try await CLI.run(["run", graph, "--input", "x", "--hub", "nats://127.0.0.1:9"])
        #expect(distributed.status == 1)
        #expect(distributed.stderr.contains("a run on a NATS hub cannot take them yet"), "\(distributed.stderr)")

        let (child, journal) = try await Self.recordedRun(graph, input: "x", runID: "err1")
        let token = try #require(try await Self.pending(1, run: "err1", journal: journal).first?.token)
        let malformed = try await CLI.run(["approve", "err1", "delete-it", "--journal", journal])
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("'delete-it' is no approval token: tokens look like ap-"), "\(malformed.stderr)")
        let unknown = try await CLI.run(["approve", "err1", "ap-0000000000", "--journal", journal])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("error: run err1 holds no approval ap-0000000000; its pending approvals: \(token)"), "\(unknown.stderr)")
        let badEdit = try await CLI.run(["approve", "err1", token, "--edit", "{x: 1", "--journal", journal])
        #expect(badEdit.status != 0)
        #expect(badEdit.stderr.contains("--edit takes JSON"), "\(badEdit.stderr)")
        let emptyReason = try await CLI.run(["deny", "err1", token, "--reason", " ", "--journal", journal])
        #expect(emptyReason.status != 0)
        #expect(emptyReason.stderr.contains("--reason is empty"), "\(emptyReason.stderr)")
        let noRun = try await CLI.run(["approve", "nope", token, "--journal", journal])
        #expect(noRun.status == 1)
        #expect(noRun.stderr.contains("it holds no run nope"), "\(noRun.stderr)")
        // Still pending after all that: nothing was decided by a mistake.
        #expect(try await Self.pending(1, run: "err1", journal: journal).first?.token == token)
        _ = try await CLI.run(["deny", "err1", token, "--reason", "no", "--journal", journal])
        let finished = await child.collect(timeLimit: CLI.timeLimit)
        #expect(finished.status == 0, "\(finished.stderr)")
    }
}
