import Foundation
import ManifoldNATSTestSupport
import Testing

/// `manifold run` with its hub on a real nats-server, followed and fed by the official Python
/// NATS client (nats-py) — a program nobody here wrote, speaking the envelope of docs/nats.md.
@Suite("manifold run --hub nats://…: a run's topics on a NATS server")
struct NATSHubTests {
    /// The Python with nats-py: `$MANIFOLD_TEST_PYTHON`, or the one `scripts/setup --tests` makes.
    static var python: String {
        ProcessInfo.processInfo.environment["MANIFOLD_TEST_PYTHON"] ?? CLI.repositoryRoot + "/.build/test-python/bin/python3"
    }

    /// Subscribes to every subject of the run, publishes "python" (text/plain) on its
    /// `input` topic, waits for the graph's answer on `words`, and prints each message it saw
    /// as a JSON line.
    static let client = #"""
        import asyncio, json, sys
        import nats

        async def main():
            url, prefix = sys.argv[1], sys.argv[2]
            nc = await nats.connect(url)
            seen, answered = [], asyncio.Event()
            async def on_message(msg):
                seen.append({"subject": msg.subject, "headers": dict(msg.headers or {}), "body": msg.data.decode()})
                if msg.subject == prefix + ".words" and msg.data == b"PYTHON!":
                    answered.set()
            await nc.subscribe(prefix + ".>", cb=on_message)
            await nc.flush()
            await nc.publish(prefix + ".input", b"python", headers={"Manifold-Type": "text/plain", "Manifold-Metadata": '{"sender": "py"}'})
            await asyncio.wait_for(answered.wait(), timeout=20)
            for message in seen:
                print(json.dumps(message, sort_keys=True))
            await nc.close()

        asyncio.run(main())
        """#

    @Test("a Python client publishes into a run and reads every topic of it, envelope and all")
    func aPythonClientFeedsAndFollowsARun() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no Python with nats-py at \(Self.python); run scripts/setup --tests")
        let server = try NATSTestServer()
        let script = NSTemporaryDirectory() + "manifold-nats-client-\(UUID().uuidString).py"
        try Self.client.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }

        // Standard input stays open: the run lasts until the test closes it.
        let run = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", "Examples/pipeline.json", "--lines", "--hub", server.url, "--run-id", "py1"],
            // It waits for the client, which needs a slot of its own.
            directory: CLI.repositoryRoot, takesSlot: false)
        let announced = await run.readError(until: "manifold.pipeline.py1.T\n", timeLimit: CLI.timeLimit)
        #expect(String(decoding: announced, as: UTF8.self).contains("hub: NATS server \(server.url); run py1"))

        let client = try await CLI.shell("'\(Self.python)' '\(script)' '\(server.url)' manifold.pipeline.py1")
        #expect(client.status == 0, "the client: \(client.stderr)")
        try run.input.fileHandleForWriting.close()
        let finished = await run.collect(timeLimit: CLI.timeLimit, alreadyReadError: announced)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stdout == "PYTHON!\n", "the graph's output, printed as for any input")

        let messages = client.stdout.split(separator: "\n").compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
        let bySubject = Dictionary(grouping: messages) { $0["subject"] as? String ?? "" }
        let shouted = try #require(bySubject["manifold.pipeline.py1.shouted"]?.first, "\(client.stdout)")
        let headers = try #require(shouted["headers"] as? [String: String])
        #expect(shouted["body"] as? String == "PYTHON!")
        #expect(headers["Manifold-Type"] == "text/plain" && headers["Manifold-Origin"] == "shout", "\(headers)")
        #expect(headers["Manifold-Id"] != nil && headers["Nats-Msg-Id"] == headers["Manifold-Id"], "\(headers)")
        #expect(headers["Manifold-Correlation-Id"] != nil, "an output names the input it answers: \(headers)")
        #expect(headers["Manifold-Metadata"]?.contains(#""sender":"py""#) == true, "the input's metadata travels on: \(headers)")
        #expect(bySubject["manifold.pipeline.py1.words"]?.contains { $0["body"] as? String == "PYTHON!" } == true)
    }

    @Test("the graph can name the server itself (hub.transport)")
    func theManifestNamesTheServer() async throws {
        let server = try NATSTestServer()
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "onnats", "plugins": ["$PLUGINS"], "hub": {"transport": "\(server.url)"},
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"shout": {"plugin": "uppercase", "subscribe": ["in"], "output": "out"}}}
            """)
        let result = try await CLI.run(["run", graph, "--input", "hi", "--run-id", "m1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "HI\n")
        #expect(result.stderr.contains("hub: NATS server \(server.url); run m1: topic T is the subject manifold.onnats.m1.T"), "\(result.stderr)")
    }

    @Test("credentials from the environment (NATS_USER, NATS_PASSWORD), as the nats tool reads them; never printed")
    func credentialsFromTheEnvironment() async throws {
        let server = try NATSTestServer(options: ["--user", "ops", "--pass", "pw-c41d0e"])
        let refused = try await CLI.run(["run", "Examples/pipeline.json", "--input", "a b", "--hub", server.url])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("NATS server \(server.url) cannot be reached"), "\(refused.stderr)")
        #expect(refused.stderr.contains("fix: give the credentials it expects: NATS_CREDS, NATS_USER and NATS_PASSWORD, or NATS_TOKEN"), "\(refused.stderr)")
        let run = try await CLI.run(
            ["run", "Examples/pipeline.json", "--input", "a b", "--hub", server.url, "--verbose"],
            environment: ["NATS_USER": "ops", "NATS_PASSWORD": "pw-c41d0e"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "A\nB!\n")
        #expect(!run.stderr.contains("pw-c41d0e") && !run.stdout.contains("pw-c41d0e"))
    }

    @Test("a server without JetStream is refused with the fix, before any plugin code runs")
    func aServerWithoutJetStream() async throws {
        let server = try NATSTestServer(jetStream: false)
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--hub", server.url])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("NATS server \(server.url) did not open the key-value bucket MANIFOLD_PORTS_pipeline_")
            || result.stderr.contains("NATS server \(server.url) did not make the stream MANIFOLD_pipeline_"), "\(result.stderr)")
        #expect(result.stderr.contains("start the server with -js"), "\(result.stderr)")
    }

    @Test("a server that stalls mid-run: the run waits for it, and goes on with nothing lost once it answers again")
    func aServerThatStallsAndRecovers() async throws {
        let server = try NATSTestServer()
        let run = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", "Examples/pipeline.json", "--lines", "--hub", server.url, "--run-id", "st1"],
            directory: CLI.repositoryRoot)
        let announced = await run.readError(until: "manifold.pipeline.st1.T\n", timeLimit: CLI.timeLimit)
        server.pause()
        run.input.fileHandleForWriting.write(Data("one\ntwo\n".utf8))
        try run.input.fileHandleForWriting.close()
        try await Task.sleep(for: .seconds(2))
        server.resume()
        let finished = await run.collect(timeLimit: CLI.timeLimit, alreadyReadError: announced)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stdout == "ONE!\nTWO!\n", "\(finished.stderr)")
    }

    @Test("a server that stalls for good: --timeout still ends the run, on time")
    func aServerThatStallsForGood() async throws {
        let server = try NATSTestServer()
        let run = try await ChildProcess.launch(
            executable: CLI.executable,
            arguments: ["run", "Examples/pipeline.json", "--lines", "--hub", server.url, "--run-id", "st2", "--timeout", "4"],
            directory: CLI.repositoryRoot)
        let announced = await run.readError(until: "manifold.pipeline.st2.T\n", timeLimit: CLI.timeLimit)
        server.pause()
        let stalled = ContinuousClock.now
        run.input.fileHandleForWriting.write(Data("one\n".utf8))
        try run.input.fileHandleForWriting.close()
        let finished = await run.collect(timeLimit: CLI.timeLimit, alreadyReadError: announced)
        #expect(finished.status == 124, "\(finished.stderr)")
        #expect(ContinuousClock.now - stalled < .seconds(60), "the time limit (4 s from launch, 2 s grace) fired, long before the stalled server would let go")
        #expect(finished.stderr.contains("timed out after 4"), "\(finished.stderr)")
    }

    @Test("a run id that cannot be part of a subject is refused with the characters that can")
    func badRunID() async throws {
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--hub", "nats://127.0.0.1:1", "--run-id", "a.b"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: the run id \"a.b\" cannot be part of a NATS subject; use letters, digits, '-' and '_' only"), "\(result.stderr)")
    }

    @Test("a server that cannot be reached stops the run before it starts, naming it without its credentials")
    func unreachableServer() async throws {
        let port = try NATSTestServer.freePort()
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--hub", "nats://alice:s3cret@127.0.0.1:\(port)"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("error: NATS server nats://***@127.0.0.1:\(port) cannot be reached"), "\(result.stderr)")
        #expect(result.stderr.contains("fix: start it (nats-server -js) or correct the URL"), "\(result.stderr)")
        #expect(!result.stderr.contains("s3cret") && !result.stderr.contains("alice"), "\(result.stderr)")
    }

    @Test("--hub that is no NATS URL is refused with the form that works, credentials hidden")
    func badHubValue() async throws {
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--hub", "kafka://bob:pw@host:9092"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--hub kafka://***@host:9092 is neither in-process nor a NATS server URL; write nats://HOST:PORT"), "\(result.stderr)")
        #expect(!result.stderr.contains("pw@"), "\(result.stderr)")
    }
}
