import Foundation
import ManifoldNATSTestSupport
import Testing

/// One graph spread over several `manifold` processes on a real nats-server with JetStream:
/// workers, replicas, a worker killed mid-run, a broker restarted mid-run.
@Suite("one graph over several processes on NATS JetStream")
struct DistributedRunTests {
    /// shout (uppercase) → pass (forward, throttled by rate-limit so a run lasts) → tag (echo).
    static func relayGraph(ratePerSecond: Int = 1000, capacity: Int = 64) throws -> String {
        try CLI.writeGraph("""
            {"manifold": 1, "name": "relay", "plugins": ["$PLUGINS"],
             "hub": {"capacity": \(capacity), "ackWaitSeconds": 2, "maxDeliver": 10},
             "inputs": {"text": {"topic": "input", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "done", "types": ["text/*"]}},
             "nodes": {
               "shout": {"plugin": "uppercase", "config": {"suffix": "!"}, "subscribe": ["input"], "output": "shouted"},
               "pass": {"plugin": "forward", "subscribe": ["shouted"], "output": "passed",
                        "middleware": [{"plugin": "rate-limit", "config": {"ratePerSecond": \(ratePerSecond), "burst": 1, "maxWaitSeconds": 60}}]},
               "tag": {"plugin": "echo", "config": {"prefix": "> "}, "subscribe": ["passed"], "output": "done"}}}
            """)
    }

    /// What `relayGraph` prints for the lines 1…`count`, sorted.
    static func expectedOutputs(_ count: Int) -> [String] {
        (1...count).map { "> \($0)!" }.sorted()
    }

    /// Starts `manifold worker` and waits until it says it is serving.
    static func startWorker(_ graph: String, server: NATSTestServer, _ options: [String]) async throws -> (ChildProcess, Data) {
        let worker = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["worker", graph, "--hub", server.url] + options, directory: CLI.repositoryRoot,
            takesSlot: false)
        let said = await worker.readError(until: "worker: ", timeLimit: CLI.timeLimit)
        return (worker, said)
    }

    /// Stops a worker as an operator would (SIGTERM) and returns what it printed.
    static func stop(_ worker: ChildProcess, alreadyRead: Data) async -> ChildProcess.Finished {
        kill(worker.processIdentifier, SIGTERM)
        return await worker.collect(timeLimit: CLI.timeLimit, alreadyReadError: alreadyRead)
    }

    /// The inputs a worker says it processed for `node`, over every run it served.
    static func processed(_ node: String, in stderr: String) -> Int {
        stderr.split(separator: "\n").reduce(0) { total, line in
            guard let range = line.range(of: "inputs processed here: ") else { return total }
            return total + line[range.upperBound...].split(separator: ",").reduce(0) { sum, entry in
                let parts = entry.trimmingCharacters(in: .whitespaces).split(separator: " ")
                return parts.count == 2 && parts[0] == node ? sum + (Int(parts[1]) ?? 0) : sum
            }
        }
    }

    @Test("three nodes in three worker processes: every input through all three, each output once")
    func threeWorkers() async throws {
        let server = try NATSTestServer()
        let graph = try Self.relayGraph()
        var workers: [(ChildProcess, Data)] = []
        for node in ["shout", "pass", "tag"] {
            workers.append(try await Self.startWorker(graph, server: server, ["--only", node]))
        }
        let input = (1...300).map(String.init).joined(separator: "\n") + "\n"
        let run = try await CLI.run(["run", graph, "--hub", server.url, "--only", "", "--lines"], stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").map(String.init).sorted() == Self.expectedOutputs(300))
        for ((worker, said), node) in zip(workers, ["shout", "pass", "tag"]) {
            let finished = await Self.stop(worker, alreadyRead: said)
            #expect(finished.status == 0, "\(finished.stderr)")
            #expect(finished.stderr.contains("worker: joined run"), "\(finished.stderr)")
            #expect(Self.processed(node, in: finished.stderr) == 300, "worker of \(node): \(finished.stderr)")
        }
    }

    @Test("two workers of one node share its inputs: each processes some, the total is exact")
    func replicasShareWork() async throws {
        let server = try NATSTestServer()
        let graph = try Self.relayGraph(ratePerSecond: 400)
        let first = try await Self.startWorker(graph, server: server, ["--only", "pass"])
        let second = try await Self.startWorker(graph, server: server, ["--only", "pass"])
        let input = (1...400).map(String.init).joined(separator: "\n") + "\n"
        let run = try await CLI.run(["run", graph, "--hub", server.url, "--only", "shout,tag", "--lines"], stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").map(String.init).sorted() == Self.expectedOutputs(400))
        let counts = [await Self.stop(first.0, alreadyRead: first.1), await Self.stop(second.0, alreadyRead: second.1)]
            .map { Self.processed("pass", in: $0.stderr) }
        #expect(counts.allSatisfy { $0 > 0 }, "both replicas worked: \(counts)")
        #expect(counts.reduce(0, +) >= 400, "every input was processed: \(counts)")
    }

    @Test("--replicas starts several instances of a node in one process, sharing its inputs")
    func replicasInOneProcess() async throws {
        let server = try NATSTestServer()
        let graph = try Self.relayGraph(ratePerSecond: 300)
        let worker = try await Self.startWorker(graph, server: server, ["--only", "pass", "--replicas", "pass=3"])
        let input = (1...300).map(String.init).joined(separator: "\n") + "\n"
        let run = try await CLI.run(["run", graph, "--hub", server.url, "--only", "shout,tag", "--lines"], stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").map(String.init).sorted() == Self.expectedOutputs(300))
        let finished = await Self.stop(worker.0, alreadyRead: worker.1)
        let line = finished.stderr.split(separator: "\n").first { $0.contains("inputs processed here") } ?? ""
        #expect(line.components(separatedBy: "pass ").count - 1 == 3, "three instances reported: \(line)")
        #expect(Self.processed("pass", in: finished.stderr) == 300, "\(finished.stderr)")
    }

    @Test("a worker killed with kill -9 mid-run: its inputs go to the other, every output arrives exactly once")
    func workerKilledMidRun() async throws {
        let server = try NATSTestServer()
        let graph = try Self.relayGraph(ratePerSecond: 150)
        let doomed = try await Self.startWorker(graph, server: server, ["--only", "pass"])
        let survivor = try await Self.startWorker(graph, server: server, ["--only", "pass"])
        let count = 450
        let input = (1...count).map(String.init).joined(separator: "\n") + "\n"
        let run = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", graph, "--hub", server.url, "--only", "shout,tag", "--lines"],
            directory: CLI.repositoryRoot)
        run.input.fileHandleForWriting.write(Data(input.utf8))
        try run.input.fileHandleForWriting.close()
        // Some outputs are out: both workers hold inputs now.
        let early = await run.readOutput(until: "> 60!", timeLimit: CLI.timeLimit)
        kill(doomed.0.processIdentifier, SIGKILL)
        let finished = await run.collect(timeLimit: CLI.timeLimit, alreadyRead: early)
        #expect(finished.status == 0, "\(finished.stderr)")
        let outputs = finished.stdout.split(separator: "\n").map(String.init)
        #expect(outputs.count == count, "exactly once each: \(outputs.count) outputs for \(count) inputs")
        #expect(outputs.sorted() == Self.expectedOutputs(count))
        _ = await doomed.0.collect(timeLimit: CLI.timeLimit, alreadyReadError: doomed.1)
        let rest = await Self.stop(survivor.0, alreadyRead: survivor.1)
        #expect(Self.processed("pass", in: rest.stderr) > 0, "\(rest.stderr)")
    }

    @Test("the broker restarts mid-run (JetStream on disk): the run completes, every output once")
    func brokerRestart() async throws {
        let server = try NATSTestServer()
        let graph = try Self.relayGraph(ratePerSecond: 200)
        let worker = try await Self.startWorker(graph, server: server, ["--only", "pass"])
        let count = 300
        let run = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", graph, "--hub", server.url, "--only", "shout,tag", "--lines"],
            directory: CLI.repositoryRoot)
        run.input.fileHandleForWriting.write(Data(((1...count).map(String.init).joined(separator: "\n") + "\n").utf8))
        try run.input.fileHandleForWriting.close()
        let early = await run.readOutput(until: "> 40!", timeLimit: CLI.timeLimit)
        try server.restart(after: .milliseconds(500))
        let finished = await run.collect(timeLimit: CLI.timeLimit, alreadyRead: early)
        let workerSaid = await Self.stop(worker.0, alreadyRead: worker.1)
        #expect(finished.status == 0, "\(finished.stderr)")
        let outputs = finished.stdout.split(separator: "\n").map(String.init)
        let missing = Set(Self.expectedOutputs(count)).subtracting(outputs).sorted()
        #expect(outputs.count == count && missing.isEmpty,
            "\(outputs.count) outputs for \(count) inputs; missing \(missing); coordinator: \(finished.stderr); worker: \(workerSaid.stderr)")
    }

    @Test("--only needs a NATS hub, and names nodes of the graph")
    func onlyIsChecked() async throws {
        let inProcess = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--only", "shout"])
        #expect(inProcess.status == 1)
        #expect(inProcess.stderr.contains("--only leaves the other nodes to `manifold worker` processes, which need a NATS hub"), "\(inProcess.stderr)")
        let unknown = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--only", "shuot", "--hub", "nats://127.0.0.1:1"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("--only: error: no node 'shuot' in the graph; its nodes: shout, split"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("did you mean 'shout'?"), "\(unknown.stderr)")
        let badReplicas = try await CLI.run(["worker", "Examples/pipeline.json", "--hub", "nats://127.0.0.1:1", "--replicas", "shout"])
        #expect(badReplicas.status != 0)
        #expect(badReplicas.stderr.contains("--replicas takes NODE=N with N at least 1"), "\(badReplicas.stderr)")
        let noHub = try await CLI.run(["worker", "Examples/pipeline.json", "--only", "shout"])
        #expect(noHub.status == 1)
        #expect(noHub.stderr.contains("a worker takes its nodes' inputs from a NATS hub"), "\(noHub.stderr)")
    }
}
