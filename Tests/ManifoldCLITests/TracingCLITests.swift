import Foundation
import Testing

/// `--otlp`: a run's spans received by an OTLP/HTTP receiver on loopback that decodes them with
/// the official OpenTelemetry protobuf definitions (opentelemetry-proto, from PyPI).
// Serialized: each test starts a Python receiver.
@Suite("tracing", .serialized)
struct TracingCLITests {
    /// A receiver writing each span it takes as a JSON line to a file.
    struct Receiver {
        let process: ChildProcess
        let url: String
        let spansFile: String

        static func start() async throws -> Receiver {
            let python = ProcessInfo.processInfo.environment["MANIFOLD_TEST_PYTHON"] ?? CLI.repositoryRoot + "/.build/test-python/bin/python3"
            try #require(FileManager.default.isExecutableFile(atPath: python), "no test Python at \(python); run scripts/setup --tests")
            let spansFile = NSTemporaryDirectory() + "manifold-spans-\(UUID().uuidString).jsonl"
            let process = try await ChildProcess.launch(
                executable: python, arguments: [CLI.repositoryRoot + "/Tests/ManifoldCLITests/Peers/otlp_receiver.py", spansFile],
                // It waits for the runs, which need slots of their own.
                directory: CLI.repositoryRoot, environment: [:], takesSlot: false)
            let banner = String(decoding: await process.readOutput(until: "\n", timeLimit: .seconds(60)), as: UTF8.self)
            let url = try #require(banner.firstRange(of: #/http://127\.0\.0\.1:\d+/#).map { String(banner[$0]) }, "receiver said: \(banner)")
            return Receiver(process: process, url: url, spansFile: spansFile)
        }

        /// The spans received so far.
        func spans() throws -> [[String: Any]] {
            guard let text = try? String(contentsOfFile: spansFile, encoding: .utf8) else { return [] }
            return try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        }

        func stop() async {
            kill(process.processIdentifier, SIGTERM)
            _ = await process.collect(timeLimit: .seconds(30))
        }
    }

    static func attributes(_ span: [String: Any]) -> [String: Any] { span["attributes"] as? [String: Any] ?? [:] }

    @Test("spans of three nodes in a chain name their real parents, under the input's root span")
    func parentageAcrossThreeNodes() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let graph = try CLI.writeGraph("""
            { "manifold": 1, "name": "chain", "plugins": ["$PLUGINS"],
              "inputs": { "text": { "topic": "in", "types": ["text/plain"] } },
              "outputs": { "out": { "topic": "out", "types": ["text/*"] } },
              "nodes": {
                "shout": { "plugin": "uppercase", "subscribe": ["in"], "output": "shouted" },
                "split": { "plugin": "echo", "config": { "split": "words" }, "subscribe": ["shouted"], "output": "words" },
                "loud": { "plugin": "uppercase", "config": { "suffix": "!" }, "subscribe": ["words"], "output": "out" } } }
            """)
        let result = try await CLI.run(["run", graph, "--input", "both ways", "--otlp", receiver.url], environment: ["OTEL_SERVICE_NAME": "chain-test"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "BOTH!\nWAYS!\n")
        #expect(result.stderr.contains("traces: 5 span(s) sent to \(receiver.url)/v1/traces"), "\(result.stderr)")

        let spans = try receiver.spans()
        #expect(spans.count == 5, "\(spans)")
        let byName = Dictionary(grouping: spans) { $0["name"] as? String ?? "" }
        let root = try #require(byName["input text"]?.first, "\(spans)")
        let shout = try #require(byName["node shout"]?.first)
        let split = try #require(byName["node split"]?.first)
        let loud = try #require(byName["node loud"])
        #expect(root["parentSpanId"] as? String == "")
        #expect(shout["parentSpanId"] as? String == root["spanId"] as? String)
        #expect(split["parentSpanId"] as? String == shout["spanId"] as? String)
        #expect(loud.count == 2)
        #expect(loud.allSatisfy { $0["parentSpanId"] as? String == split["spanId"] as? String })
        #expect(Set(spans.map { $0["traceId"] as? String ?? "" }).count == 1, "one trace")
        #expect(spans.allSatisfy { $0["service"] as? String == "chain-test" })
        #expect(Self.attributes(shout)["manifold.plugin"] as? String == "uppercase")
        #expect(Self.attributes(split)["manifold.outputs"] as? Int == 2)
        #expect(Self.attributes(split)["manifold.input.bytes"] as? Int == 9)
        #expect(spans.allSatisfy { ($0["start"] as? Int ?? 0) <= ($0["end"] as? Int ?? -1) && ($0["status"] as? Int) == 1 })
    }

    @Test("an agent's model call is a span under its node's, with its figures")
    func modelCallSpans() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let result = try await CLI.run(["run", "Examples/agent-chat.json", "--input", "Hi", "--otlp", receiver.url])
        #expect(result.status == 0, "\(result.stderr)")
        let spans = try receiver.spans()
        let node = try #require(spans.first { $0["name"] as? String == "node assistant" }, "\(spans)")
        let model = try #require(spans.first { ($0["name"] as? String)?.hasPrefix("model") == true }, "\(spans)")
        #expect(model["parentSpanId"] as? String == node["spanId"] as? String)
        #expect(model["kind"] as? Int == 3, "a client span")
        #expect(Self.attributes(model)["manifold.model.time_to_first_event_ms"] is Double, "\(model)")
        #expect((model["start"] as? Int ?? 0) >= (node["start"] as? Int ?? .max))
        #expect(Self.attributes(node)["manifold.plugin"] as? String == "agent")
    }

    @Test("a receiver that is not there costs the run nothing but a warning and a count")
    func unreachableReceiver() async throws {
        // A port nobody listens on: bound, then closed.
        let receiver = try await Receiver.start()
        await receiver.stop()
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "a b", "--otlp", receiver.url])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "A\nB!\n")
        #expect(result.stderr.contains("warning: traces: cannot send spans to \(receiver.url)/v1/traces"), "\(result.stderr)")
        #expect(result.stderr.contains("traces: 0 span(s) sent to \(receiver.url)/v1/traces; 3 lost"), "\(result.stderr)")
    }

    @Test func aReceiverURLThatIsNoURLIsRefused() async throws {
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--otlp", "localhost:4318"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--otlp: 'localhost:4318' is not an http:// or https:// URL with a host"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
