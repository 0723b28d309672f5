import Foundation
import Logging
import Manifold
import ManifoldHost
import ManifoldJSON
import Synchronization
import Testing

/// The `approval` middleware in a graph run: inputs its rules match wait at the desk, each
/// with its own token, without taking the plugin's places; decisions let them go on, edited,
/// or answer them with an error the model reads.
@Suite("Approval middleware")
struct ApprovalMiddlewareTests {
    /// A stand-in for the tools node: answers each `tool/call` with a `tool/result` whose
    /// content is the call's arguments, and records how many calls it ran at once.
    final class ToolRunner: Sendable {
        let running = Atomic<Int>(0)
        let mostAtOnce = Atomic<Int>(0)
        let calls = Mutex<[String]>([])

        var plugin: InProcessPlugin {
            try! InProcessPlugin.generator(name: "fake-tools", ports: PortTypes(inputs: [.toolCall], outputs: [.toolResult])) { _, _, _ in
                ClosureGenerator(ports: PortTypes(inputs: [.toolCall], outputs: [.toolResult])) { input, context in
                    let now = self.running.add(1, ordering: .relaxed).newValue
                    self.mostAtOnce.max(now, ordering: .relaxed)
                    defer { self.running.subtract(1, ordering: .relaxed) }
                    try await Task.sleep(for: .milliseconds(20))
                    let call = try JSONValue(parsing: input.payload)
                    self.calls.withLock { $0.append(call["name"]?.stringValue ?? "?") }
                    let result: JSONValue = [
                        "id": call["id"] ?? .null, "name": call["name"] ?? .null, "content": .string((call["arguments"] ?? .null).jsonText),
                        "isError": false,
                    ]
                    try await context.emit(Artifact(type: .toolResult, payload: result.serialized(), correlationID: input.correlationID))
                }
            }
        }
    }

    static func call(_ id: String, _ name: String, _ arguments: JSONValue) -> Artifact {
        let payload: JSONValue = ["id": .string(id), "name": .string(name), "arguments": arguments]
        return Artifact(type: .toolCall, payload: payload.serialized(), correlationID: "conversation-1")
    }

    /// A graph whose `tools` node runs `runner` behind an approval middleware with `config`.
    static func run(
        config: String, runner: ToolRunner, desk: ApprovalDesk, calls: [Artifact], concurrency: Int = 1
    ) async throws -> (run: GraphRun, task: Task<GraphRunReport, any Error>, outputs: Collected) {
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/graph.json"
        try """
            { "manifold": 1, "name": "approvals",
              "inputs": { "calls": { "topic": "calls", "types": ["tool/call"] } },
              "outputs": { "results": { "topic": "results", "types": ["tool/result"] } },
              "nodes": { "tools": { "plugin": "fake-tools", "subscribe": ["calls"], "output": "results", "concurrency": \(concurrency),
                                    "middleware": [ { "plugin": "approval", "config": \(config) } ] } } }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let validation = GraphValidator.validate(
            manifestAt: path, providers: ["fake-tools": runner.plugin, ApprovalPlugin.name: ApprovalPlugin.provider(desk: desk)])
        #expect(validation.errors.isEmpty, "\(validation.diagnostics)")
        let run = try await GraphRun(validation: validation, logger: Logger(label: "test"))
        let outputs = Collected()
        let task = Task { try await run.run(feeds: [GraphInputFeed(input: "calls", artifacts: calls)]) { _, artifact in outputs.append(artifact) } }
        return (run, task, outputs)
    }

    /// Waits until `count` requests wait at `desk`.
    static func pending(_ count: Int, at desk: ApprovalDesk) async throws -> [ApprovalRequest] {
        for _ in 0..<2000 {
            let pending = desk.pending
            if pending.count >= count { return pending }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("\(count) approval(s) never came; \(desk.pending.count) did")
        return desk.pending
    }

    static func content(_ artifact: Artifact) -> String? {
        (try? JSONValue(parsing: artifact.payload))?["content"]?.stringValue
    }

    @Test func twoCallsOfOneTurnWaitAtOnceAndAreDecidedInAnyOrder() async throws {
        let runner = ToolRunner()
        let desk = ApprovalDesk()
        let (_, task, outputs) = try await Self.run(
            config: "{}", runner: runner, desk: desk,
            calls: [Self.call("call_1", "rm", ["path": "/a"]), Self.call("call_2", "rm", ["path": "/b"])])
        let pending = try await Self.pending(2, at: desk)
        #expect(Set(pending.map(\.token)).count == 2, "each call has its own token")
        #expect(pending.allSatisfy { ApprovalToken.isWellFormed($0.token) })
        #expect(pending.map(\.summary) == [#"tool 'rm' {"path":"/a"}"#, #"tool 'rm' {"path":"/b"}"#])
        #expect(runner.calls.withLock { $0 }.isEmpty, "nothing ran before a decision")

        #expect(desk.decide(pending[1].token, ApprovalVerdict(.approved(edit: nil), decidedBy: "test")))
        for _ in 0..<2000 where outputs.items.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        #expect(outputs.items.map(Self.content) == [#"{"path":"/b"}"#], "the second call ran first, as decided")
        #expect(desk.decide(pending[0].token, ApprovalVerdict(.approved(edit: nil), decidedBy: "test")))
        let report = try await task.value
        #expect(report.failures == 0)
        #expect(Set(outputs.items.compactMap(Self.content)) == [#"{"path":"/a"}"#, #"{"path":"/b"}"#])
        #expect(!desk.decide(pending[0].token, ApprovalVerdict(.denied(reason: "late"), decidedBy: "test")), "the first decision stands")
    }

    @Test func waitingInputsDoNotTakeThePluginsPlaces() async throws {
        let runner = ToolRunner()
        let desk = ApprovalDesk()
        // Only `rm` waits: `ls` calls go through while both `rm` calls wait, one at a time.
        let calls = [Self.call("c1", "rm", [:]), Self.call("c2", "rm", [:])] + (3...8).map { Self.call("c\($0)", "ls", [:]) }
        let (_, task, outputs) = try await Self.run(config: #"{"rules": [{"tools": ["rm*"]}]}"#, runner: runner, desk: desk, calls: calls)
        let pending = try await Self.pending(2, at: desk)
        for _ in 0..<2000 where outputs.items.count < 6 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(outputs.items.count == 6, "the six unmatched calls went past the two waiting ones")
        for request in pending { desk.decide(request.token, ApprovalVerdict(.approved(edit: nil), decidedBy: "test")) }
        _ = try await task.value
        #expect(outputs.items.count == 8)
        #expect(runner.mostAtOnce.load(ordering: .relaxed) == 1, "the plugin, of concurrency 1, never ran two calls at once")
    }

    @Test func aDeniedCallIsAnsweredWithAnErrorTheModelReads() async throws {
        let runner = ToolRunner()
        let desk = ApprovalDesk()
        let (_, task, outputs) = try await Self.run(config: "{}", runner: runner, desk: desk, calls: [Self.call("call_9", "rm", ["path": "/"])])
        let request = try #require(try await Self.pending(1, at: desk).first)
        desk.decide(request.token, ApprovalVerdict(.denied(reason: "never delete /"), decidedBy: "test"))
        let report = try await task.value
        #expect(report.failures == 0)
        let result = try JSONValue(parsing: try #require(outputs.items.first).payload)
        #expect(result["id"]?.stringValue == "call_9")
        #expect(result["isError"]?.boolValue == true)
        #expect(result["content"]?.stringValue == "A person denied this tool call: never delete /")
        #expect(outputs.items.first?.correlationID == "conversation-1", "the result finds the conversation")
        #expect(outputs.items.first?.metadata[ApprovalMetadataKey.token] == request.token)
        #expect(runner.calls.withLock { $0 }.isEmpty, "the tool never ran")
    }

    @Test func anEditedCallRunsWithTheNewArguments() async throws {
        let runner = ToolRunner()
        let desk = ApprovalDesk()
        let (_, task, outputs) = try await Self.run(config: "{}", runner: runner, desk: desk, calls: [Self.call("c", "rm", ["path": "/"])])
        let request = try #require(try await Self.pending(1, at: desk).first)
        desk.decide(request.token, ApprovalVerdict(.approved(edit: ["path": "/tmp/x"]), decidedBy: "test"))
        _ = try await task.value
        #expect(outputs.items.map(Self.content) == [#"{"path":"/tmp/x"}"#])
    }

    @Test func aTimeLimitDeniesWhatNobodyDecided() async throws {
        let desk = ApprovalDesk()
        let (_, task, outputs) = try await Self.run(
            config: #"{"timeoutSeconds": 0.2}"#, runner: ToolRunner(), desk: desk, calls: [Self.call("c", "rm", [:])])
        _ = try await task.value
        #expect(outputs.items.map(Self.content) == ["A person denied this tool call: no decision within 0.2 s"])
        #expect(desk.pending.isEmpty)
    }

    @Test func rulesChooseWhatWaits() throws {
        let rules = try ApprovalRules(config: [
            "rules": [["tools": ["delete_*", "send_email"]], ["types": ["text/*"], "metadata": ["risk": "high"]]],
        ])
        #expect(rules.match(Self.call("1", "delete_file", [:])) == "rules[0]")
        #expect(rules.match(Self.call("1", "send_email", [:])) == "rules[0]")
        #expect(rules.match(Self.call("1", "read_file", [:])) == nil)
        #expect(rules.match(Artifact(type: .plainText, payload: Data("x".utf8), metadata: ["risk": "high"])) == "rules[1]")
        #expect(rules.match(Artifact(type: .plainText, payload: Data("x".utf8), metadata: ["risk": "low"])) == nil)
        #expect(rules.match(Artifact(type: .json, payload: Data("{}".utf8), metadata: ["risk": "high"])) == nil)
        #expect(try ApprovalRules(config: [:]).match(Self.call("1", "anything", [:])) == "every tool call")
        #expect(try ApprovalRules(config: [:]).match(Artifact(type: .toolList, payload: Data("{}".utf8))) == nil, "a catalog request needs nobody")
    }

    @Test func aRulesTypeThatDoesNotParseIsAnErrorOfTheGraph() throws {
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/graph.json"
        try """
            { "manifold": 1, "name": "mistyped",
              "inputs": { "calls": { "topic": "calls", "types": ["tool/call"] } },
              "outputs": { "results": { "topic": "results", "types": ["tool/result"] } },
              "nodes": { "tools": { "plugin": "fake-tools", "subscribe": ["calls"], "output": "results",
                                    "middleware": [ { "plugin": "approval", "config": { "rules": [ { "types": ["text/*", "text"] } ] } } ] } } }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let validation = GraphValidator.validate(
            manifestAt: path, providers: ["fake-tools": ToolRunner().plugin, ApprovalPlugin.name: ApprovalPlugin.provider(desk: ApprovalDesk())])
        let error = try #require(validation.errors.first)
        #expect(validation.errors.count == 1)
        #expect(error.path == "$.nodes.tools.middleware[0].config.rules[0].types[1]")
        #expect(error.message.hasPrefix("'text' is no artifact type"))
        #expect(error.message.hasSuffix("write type/subtype, such as tool/call or text/*"))
    }

    @Test func aDecisionMadeInTheRunLosesToOneRecordedFirst() async throws {
        let desk = ApprovalDesk()
        let earlier = ApprovalVerdict(.denied(reason: "decided from another terminal first"), decidedBy: "`manifold deny`")
        // The journal already holds a denial when the run's prompt approves: the denial stands.
        desk.configure(ApprovalDesk.Channels(persist: { _, _ in earlier }))
        let request = ApprovalRequest(node: "tools", input: Self.call("c", "rm", [:]), rule: "every tool call", call: nil)
        let waiting = Task { try await desk.verdict(for: request) }
        for _ in 0..<2000 where desk.pending.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        let standing = await desk.submit(request.token, ApprovalVerdict(.approved(edit: nil), decidedBy: "the run's terminal"))
        #expect(standing == earlier)
        #expect(try await waiting.value == earlier)
    }

    @Test func tokensAreStablePerNodeAndInput() {
        let a = ApprovalToken.make(node: "tools", input: "artifact-1")
        #expect(a == ApprovalToken.make(node: "tools", input: "artifact-1"), "a resumed run asks with the same token")
        #expect(a != ApprovalToken.make(node: "tools", input: "artifact-2"))
        #expect(a != ApprovalToken.make(node: "other", input: "artifact-1"))
        #expect(ApprovalToken.isWellFormed(a))
        #expect(!ApprovalToken.isWellFormed("ap-ILOU000000"), "letters a person could misread are not used")
    }

    @Test func aStoppedRunLeavesItsApprovalsUndecided() async throws {
        let desk = ApprovalDesk()
        let (run, task, _) = try await Self.run(config: "{}", runner: ToolRunner(), desk: desk, calls: [Self.call("c", "rm", [:])])
        _ = try await Self.pending(1, at: desk)
        run.stop()
        task.cancel()
        _ = try? await task.value
        #expect(desk.pending.isEmpty, "the waiting input was released, not left behind")
    }
}
