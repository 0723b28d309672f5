import Foundation
import Testing

/// `manifold serve --mcp`, driven by the official Python MCP client SDK (from PyPI, installed
/// by `scripts/setup --tests`) over stdio and Streamable HTTP: it lists the graph's inputs as
/// tools, calls them, reads progress and results, and cancels a call.
// Serialized: each test starts a Python client, seconds of CPU on a two-core machine.
@Suite("mcp serve", .serialized)
struct MCPServeTests {
    static let client = CLI.repositoryRoot + "/Tests/ManifoldCLITests/Peers/mcp_serve_client.py"

    static var python: String {
        get throws {
            let python = ProcessInfo.processInfo.environment["MANIFOLD_TEST_PYTHON"] ?? CLI.repositoryRoot + "/.build/test-python/bin/python3"
            try #require(FileManager.default.isExecutableFile(atPath: python), "no Python with the mcp SDK at \(python); run scripts/setup --tests")
            return python
        }
    }

    /// The agent example with a slower stream, so a call can be cancelled while it streams.
    static func slowAgent(chunkDelayMilliseconds: Int) throws -> String {
        let text = try String(contentsOfFile: CLI.repositoryRoot + "/Examples/agent-chat.json", encoding: .utf8)
            .replacingOccurrences(of: #""chunkDelayMilliseconds": 15"#, with: #""chunkDelayMilliseconds": \#(chunkDelayMilliseconds)"#)
            .replacingOccurrences(of: "\"../manifests/plugins\"", with: "\"$PLUGINS\"")
        return try CLI.writeGraph(text)
    }

    static func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs the client against a server it starts over stdio; its report and the whole stderr
    /// (the client's and the server's).
    static func overStdio(_ graph: String, _ arguments: [String]) async throws -> (report: [String: Any], stderr: String) {
        let words = [try python, client, "stdio", CLI.executable, graph] + arguments
        let result = try await CLI.shell(words.map(quoted).joined(separator: " "))
        try #require(result.status == 0, "client failed: \(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        return (report, result.stderr)
    }

    static func texts(_ report: [String: Any]) -> [String] {
        ((report["result"] as? [String: Any])?["texts"] as? [String]) ?? []
    }

    @Test("stdio: the graph's input is a tool whose schema follows its type")
    func listsTheInputsAsTools() async throws {
        let (report, _) = try await Self.overStdio("Examples/pipeline.json", ["list"])
        let tools = try #require(report["tools"] as? [[String: Any]])
        #expect(tools.map { $0["name"] as? String } == ["text"])
        let schema = try #require(tools.first?["inputSchema"] as? [String: Any])
        #expect(schema["required"] as? [String] == ["text"])
        #expect(((schema["properties"] as? [String: Any])?["text"] as? [String: Any])?["type"] as? String == "string")
    }

    @Test("stdio: a call is answered with the graph's outputs for it, and plugin prints stay off the protocol")
    func callsThePipeline() async throws {
        let (report, stderr) = try await Self.overStdio("Examples/pipeline.json", ["call", "text", #"{"text": "hello served world"}"#])
        #expect(Self.texts(report) == ["HELLO", "SERVED", "WORLD!"], "\(report)")
        #expect((report["result"] as? [String: Any])?["isError"] as? Bool == false)
        #expect(stderr.contains("serving graph 'pipeline' over MCP on standard input and output (tools: text)"), "\(stderr)")
    }

    @Test("stdio: a streaming agent's pieces arrive as progress, its answer as the result")
    func streamsProgress() async throws {
        let (report, _) = try await Self.overStdio("Examples/agent-chat.json", ["call", "prompt", #"{"text": "What is Manifold?"}"#])
        let answer = Self.texts(report)
        #expect(answer.count == 1 && answer[0].hasPrefix("Manifold runs agent graphs"), "\(report)")
        let progress = (report["progress"] as? [String]) ?? []
        #expect(progress.count > 5, "one notification per streamed piece: \(progress)")
        #expect(progress.joined().hasPrefix("Manifold runs agent graphs"), "\(progress)")
    }

    @Test("stdio: arguments the tool cannot take are a tool error naming the fix")
    func refusesBadArguments() async throws {
        let (report, _) = try await Self.overStdio("Examples/pipeline.json", ["call", "text", #"{"txt": "typo"}"#])
        let result = try #require(report["result"] as? [String: Any])
        #expect(result["isError"] as? Bool == true)
        #expect(Self.texts(report) == [#"tool 'text': the argument 'text' is missing; call it with {"text": "…"}"#], "\(report)")
    }

    @Test("stdio: a cancelled call is not answered, the server says so, and the next call is")
    func cancelsACall() async throws {
        let graph = try Self.slowAgent(chunkDelayMilliseconds: 150)
        let (report, stderr) = try await Self.overStdio(graph, ["cancel", "prompt", #"{"text": "slow"}"#, #"{"text": "again"}"#])
        #expect(report["cancelledCallFinished"] as? Bool == false)
        #expect(Self.texts(report).first?.hasPrefix("Manifold runs agent graphs") == true, "\(report)")
        #expect(stderr.contains("serve: call of 'prompt' cancelled by the client after"), "\(stderr)")
    }

    @Test("http: list, call and cancel over Streamable HTTP; SIGTERM ends the server")
    func servesOverHTTP() async throws {
        let graph = try Self.slowAgent(chunkDelayMilliseconds: 100)
        let server = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["serve", "--mcp", graph, "--http", "127.0.0.1:0"], directory: CLI.repositoryRoot, environment: [:],
            // It waits for the clients, which need slots of their own.
            takesSlot: false)
        let banner = String(decoding: await server.readError(until: "/mcp", timeLimit: .seconds(60)), as: UTF8.self)
        let url = try #require(banner.firstRange(of: #/http://127\.0\.0\.1:\d+/mcp/#).map { String(banner[$0]) }, "\(banner)")

        let call = try await CLI.shell([try Self.python, Self.client, "http", url, "call", "prompt", #"{"text": "hi"}"#].map(Self.quoted).joined(separator: " "))
        #expect(call.status == 0, "\(call.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(call.stdout.utf8)) as? [String: Any] ?? [:]
        #expect((report["tools"] as? [[String: Any]])?.map { $0["name"] as? String } == ["prompt"])
        #expect(Self.texts(report).first?.hasPrefix("Manifold runs agent graphs") == true, "\(report)")

        let cancel = try await CLI.shell(
            [try Self.python, Self.client, "http", url, "cancel", "prompt", #"{"text": "slow"}"#, #"{"text": "again"}"#].map(Self.quoted).joined(separator: " "))
        #expect(cancel.status == 0, "\(cancel.stderr)")
        let cancelled = try JSONSerialization.jsonObject(with: Data(cancel.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(cancelled["cancelledCallFinished"] as? Bool == false)
        #expect(Self.texts(cancelled).first?.hasPrefix("Manifold runs agent graphs") == true, "\(cancelled)")

        kill(server.processIdentifier, SIGTERM)
        let finished = await server.collect(timeLimit: .seconds(60), alreadyReadError: Data(banner.utf8))
        #expect(finished.status == 128 + SIGTERM, "\(finished.stderr)")
        #expect(finished.stderr.contains("serve: call of 'prompt' cancelled by the client"), "\(finished.stderr)")
    }

    @Test("stdio: a call written just before the client closes its end is still answered")
    func answersCallsSentBeforeStandardInputCloses() async throws {
        let messages = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"text","arguments":{"text":"closing time"}}}"#,
        ]
        let result = try await CLI.run(["serve", "--mcp", "Examples/pipeline.json"], stdin: messages.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        let answer = try #require(result.stdout.split(separator: "\n").first { $0.contains(#""id":2"#) }, "no answer to the call: \(result.stdout)")
        #expect(answer.contains("CLOSING") && answer.contains("TIME!"), "\(answer)")
    }

    @Test func aGraphWithoutInputsIsRefused() async throws {
        // Its source node drives it: `manifold run` runs it, but it has nothing to call.
        let result = try await CLI.run(["serve", "--mcp", "Examples/ticker.json"], stdin: "")
        #expect(result.status == 1)
        #expect(result.stderr.contains("the graph 'ticker' declares no inputs, so it has no tool to offer"), "\(result.stderr)")
    }

    @Test func commandLineMistakesAreNamed() async throws {
        let noProtocol = try await CLI.run(["serve", "Examples/pipeline.json"], stdin: "")
        #expect(noProtocol.status != 0)
        #expect(noProtocol.stderr.contains("add --mcp"), "\(noProtocol.stderr)")
        let badAddress = try await CLI.run(["serve", "--mcp", "Examples/pipeline.json", "--http", "8080"], stdin: "")
        #expect(badAddress.stderr.contains("--http takes HOST:PORT"), "\(badAddress.stderr)")
        let taken = try await CLI.run(["serve", "--mcp", "Examples/pipeline.json", "--http", "203.0.113.7:80"], stdin: "")
        #expect(taken.status == 1)
        #expect(taken.stderr.contains("cannot listen on 203.0.113.7:80"), "\(taken.stderr)")
        let noTime = try await CLI.run(["serve", "--mcp", "Examples/pipeline.json", "--call-timeout", "0"], stdin: "")
        #expect(noTime.status != 0)
        #expect(noTime.stderr.contains("--call-timeout takes a number of seconds above 0"), "\(noTime.stderr)")
        let approvals = try await CLI.run(["serve", "--mcp", "Examples/approval.json"], stdin: "")
        #expect(approvals.status == 1)
        #expect(approvals.stderr.contains("a served graph has no one to ask: remove the approval middleware"), "\(approvals.stderr)")
    }
}

/// Manifold on both sides: a graph's `mcp` node starts `manifold serve --mcp` on another graph
/// and calls its tool as it would any MCP server's.
@Suite("mcp serve, called by an mcp node")
struct MCPServeFromGraphTests {
    @Test func aGraphCallsAServedGraph() async throws {
        let pipeline = CLI.repositoryRoot + "/Examples/pipeline.json"
        let graph = try CLI.writeGraph("""
            { "manifold": 1, "name": "caller", "plugins": ["$PLUGINS"],
              "inputs": { "call": { "topic": "calls", "types": ["tool/call"] } },
              "outputs": { "result": { "topic": "results", "types": ["tool/result"] } },
              "nodes": { "served": { "plugin": "mcp", "subscribe": ["calls"], "output": "results",
                "config": { "startTimeoutSeconds": 120, "callTimeoutSeconds": 120,
                  "servers": [ { "name": "pipeline", "command": "\(CLI.executable)", "args": ["serve", "--mcp", "\(pipeline)"] } ] } } } }
            """)
        let result = try await CLI.run(["run", graph, "--input", #"{"id": "c1", "name": "text", "arguments": {"text": "both ways"}}"#])
        #expect(result.status == 0, "\(result.stderr)")
        let payload = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(payload["id"] as? String == "c1")
        #expect(payload["isError"] as? Bool == false)
        #expect(payload["content"] as? String == "BOTH\nWAYS!", "\(result.stdout)")
    }
}
