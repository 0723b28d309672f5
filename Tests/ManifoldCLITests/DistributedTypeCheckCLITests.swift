import Foundation
import ManifoldNATSTestSupport
import Testing

/// The type check across machines, as operators meet it: a worker whose plugin is another
/// version than the graph's other processes expect is refused — or refuses the coordinator
/// that comes after it — with the in-process message, naming the other process and its host.
@Suite("type checks across the processes of a run on NATS")
struct DistributedTypeCheckCLITests {
    /// A plugin `shouter` that emits application/json, where the graph's `tag` (echo) takes text:
    /// the version a misconfigured machine has.
    static func jsonShouter() async throws -> String {
        try await TestCPlugin.build(
            name: "shouter", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));",
            outputType: "application/json")
    }

    /// input → shout (`shouter`, which only the worker's machine has) → tag (echo) → output.
    static func graph() throws -> String {
        try CLI.writeGraph("""
            {"manifold": 1, "name": "mixed", "plugins": ["$PLUGINS"],
             "inputs": {"text": {"topic": "input", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "done", "types": ["text/*"]}},
             "nodes": {
               "shout": {"plugin": "shouter", "subscribe": ["input"], "output": "shouted"},
               "tag": {"plugin": "echo", "subscribe": ["shouted"], "output": "done"}}}
            """)
    }

    static func startWorker(_ graph: String, server: NATSTestServer, runID: String, plugins: String) async throws -> ChildProcess {
        try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["worker", graph, "--hub", server.url, "--only", "shout", "--run-id", runID],
            directory: CLI.repositoryRoot, environment: ["MANIFOLD_PLUGIN_PATH": plugins], takesSlot: false)
    }

    static let mismatch = "type mismatch on topic 'shouted': node 'shout' ($.nodes.shout.output), "

    @Test("a worker that joins with a node that does not fit is refused; the coordinator shows why")
    func workerJoiningLateIsRefused() async throws {
        let server = try NATSTestServer()
        let graph = try Self.graph()
        let plugins = try await Self.jsonShouter()
        // The coordinator runs tag and has no shouter at all: it needs only the plugins of its nodes.
        let coordinator = try await ChildProcess.launch(
            executable: CLI.executable,
            arguments: ["run", graph, "--hub", server.url, "--only", "tag", "--run-id", "late", "--input", "hello", "--timeout", "3"],
            directory: CLI.repositoryRoot)
        let said = await coordinator.readError(until: "hub: NATS server", timeLimit: CLI.timeLimit)
        #expect(String(decoding: said, as: UTF8.self).contains("hub: NATS server"))

        let worker = try await Self.startWorker(graph, server: server, runID: "late", plugins: plugins)
        let refused = await worker.collect(timeLimit: CLI.timeLimit)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("$.nodes.tag.subscribe[0]: error: " + Self.mismatch), "\(refused.stderr)")
        #expect(refused.stderr.contains(
            "run here (plugin shouter 1.0.0), emits {application/json} but node 'tag', run by process \(coordinator.processIdentifier) on host "
                + ProcessInfo.processInfo.hostName), "\(refused.stderr)")
        #expect(!refused.stderr.contains("worker: joined run"), "\(refused.stderr)")

        let finished = await coordinator.collect(timeLimit: CLI.timeLimit, alreadyReadError: said)
        #expect(finished.status == 124, "\(finished.stderr)")
        #expect(finished.stderr.contains("refused to join: "), "\(finished.stderr)")
        #expect(finished.stderr.contains(Self.mismatch), "\(finished.stderr)")
    }

    @Test("a coordinator that comes after a worker it does not fit is refused before it feeds anything")
    func coordinatorComingLateIsRefused() async throws {
        let server = try NATSTestServer()
        let graph = try Self.graph()
        let plugins = try await Self.jsonShouter()
        let worker = try await Self.startWorker(graph, server: server, runID: "early", plugins: plugins)
        let joined = await worker.readError(until: "worker: joined run", timeLimit: CLI.timeLimit)
        #expect(String(decoding: joined, as: UTF8.self).contains("worker: joined run early"))

        let run = try await CLI.run(["run", graph, "--hub", server.url, "--only", "tag", "--run-id", "early", "--input", "hello"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(
            Self.mismatch + "run by process \(worker.processIdentifier) on host \(ProcessInfo.processInfo.hostName) (plugin shouter 1.0.0), "
                + "emits {application/json} but node 'tag', run here (plugin echo"), "\(run.stderr)")
        #expect(run.stderr.contains("fix: run the same plugin versions on every machine"), "\(run.stderr)")

        // The refused coordinator removed the run: the worker leaves it.
        let left = await worker.collect(timeLimit: CLI.timeLimit, alreadyReadError: joined)
        #expect(left.status == 0, "\(left.stderr)")
        #expect(left.stderr.contains("worker: run early ended"), "\(left.stderr)")
    }
}
