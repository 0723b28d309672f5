import Foundation
import Testing

/// `Examples/agent-mcp.json`: an agent and an `mcp` node over the reference MCP server
/// `mcp-server-time` (from PyPI, installed by `scripts/setup --tests`), run by the built
/// `manifold` binary with the scripted provider and with a model served on loopback.
// Serialized: each run starts a Python MCP server, seconds of CPU on a two-core machine.
@Suite("mcp example", .serialized)
struct MCPExampleTests {
    /// The folder holding `mcp-server-time`, put first on the run's PATH.
    static var peers: String {
        get throws {
            let python = ProcessInfo.processInfo.environment["MANIFOLD_TEST_PYTHON"] ?? CLI.repositoryRoot + "/.build/test-python/bin/python3"
            let folder = URL(fileURLWithPath: python).deletingLastPathComponent().path
            try #require(
                FileManager.default.isExecutableFile(atPath: folder + "/mcp-server-time"),
                "no mcp-server-time in \(folder); run scripts/setup --tests")
            return folder
        }
    }

    static var environment: [String: String] {
        get throws { ["PATH": try peers + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")] }
    }

    static let question = "What time is it in Tokyo?"

    /// The example, with the time limits a loaded machine needs (the whole suite at once on
    /// two cores takes tens of seconds to start a Python server) and `provider` in place of
    /// the scripted one when given.
    static func example(provider: String? = nil) throws -> String {
        let text = try String(contentsOfFile: CLI.repositoryRoot + "/Examples/agent-mcp.json", encoding: .utf8)
            .replacingOccurrences(of: #""callTimeoutSeconds": 30"#, with: #""callTimeoutSeconds": 180, "startTimeoutSeconds": 180"#)
            .replacingOccurrences(of: "\"../manifests/plugins\"", with: "\"$PLUGINS\"")
        guard let provider else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains(#""provider": {"provider": "scripted""#) ? line.prefix { $0 == " " } + #""provider": "# + provider + "," : String(line)
        }.joined(separator: "\n")
    }
    static let scriptedAnswer = "I asked the time server for the time in Tokyo."

    @Test func exampleIsValidWithoutWarnings() async throws {
        let result = try await CLI.run(["validate", "Examples/agent-mcp.json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("valid (2 nodes, 0 warning(s))"), "\(result.stdout)")
    }

    @Test("the scripted agent asks mcp-server-time for the time in a zone and answers")
    func scriptedAgentCallsTheTimeServer() async throws {
        let path = try CLI.writeGraph(try Self.example())
        let result = try await CLI.run(["run", path, "--input", Self.question, "--stats", "--log-level", "info"], environment: try Self.environment)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == Self.scriptedAnswer + "\n")
        let logLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(logLines.contains { $0.contains("\"event\":\"output\"") && $0.contains("tool/catalog") && $0.contains("get_current_time") }, "\(logLines)")
        #expect(logLines.contains {
            $0.contains("\"event\":\"output\"") && $0.contains("tool/result") && $0.contains("Asia/Tokyo") && $0.contains("+09:00")
                && $0.contains(#"\"isError\":false"#)
        }, "\(logLines)")
        #expect(result.stderr.contains("mcp: 1 calls, 0 answered with an error"), "\(result.stderr)")
        #expect(result.stderr.contains("1 servers, 0 restarts"), "\(result.stderr)")
        #expect(!result.stderr.contains("dead-letter"), "\(result.stderr)")
    }

    @Test("a model on loopback sees the server's tools, calls one, and reads its result")
    func openAIAgentCallsTheTimeServer() async throws {
        let server = try LoopbackHTTPServer { request in
            guard request.body.contains(#""role":"tool""#) else {
                return LoopbackHTTPServer.Response(pieces: [
                    Self.chunk(#"{"role":"assistant","tool_calls":[{"index":0,"id":"call_t","type":"function","function":{"name":"get_current_time","arguments":""}}]}"#),
                    Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"timezone\": \"Asia/Tokyo\"}"}}]}"#),
                    Self.chunk("{}", finish: "tool_calls"), "data: [DONE]\n\n",
                ])
            }
            // The answer quotes the offset the tool gave, so the test sees the result reached the model.
            let offset = request.body.contains("+09:00") ? "+09:00" : "unknown"
            return LoopbackHTTPServer.Response(pieces: [
                Self.chunk(#"{"role":"assistant","content":"Tokyo is at UTC\#(offset)."}"#), Self.chunk("{}", finish: "stop"), "data: [DONE]\n\n",
            ])
        }
        defer { server.stop() }
        let provider = #"{"provider": "openai", "model": "gpt-4o-mini", "apiKeyEnv": "MANIFOLD_TEST_KEY", "baseURL": "\#(server.baseURL)/v1", "maxRetries": 0}"#
        let path = try CLI.writeGraph(try Self.example(provider: provider))

        var environment = try Self.environment
        environment["MANIFOLD_TEST_KEY"] = "sk-test-mcp-0000"
        let result = try await CLI.run(["run", path, "--input", Self.question], environment: environment)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "Tokyo is at UTC+09:00.\n")
        let requests = server.requests
        try #require(requests.count == 2)
        #expect(requests[0].body.contains(#""name":"get_current_time""#) && requests[0].body.contains(#""convert_time""#), "the catalog reached the model")
        #expect(requests[0].body.contains(#""timezone""#), "with the tool's input schema")
        #expect(requests[1].body.contains("Asia/Tokyo"), "the tool's result went back to the model")
    }

    @Test("a server command that is not there is an error at its JSON path in the graph, before anything runs")
    func missingServerIsPlacedInTheGraph() async throws {
        let path = try CLI.writeGraph(
            try Self.example().replacingOccurrences(of: #""command": "mcp-server-time""#, with: #""command": "no-such-mcp-server""#))
        let result = try await CLI.run(["run", path, "--input", Self.question])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr.contains("\(path): $.nodes.mcp.config.servers[0].command: error: 'no-such-mcp-server' is not on the PATH of server 'time'"),
            "\(result.stderr)")
        #expect(result.stderr.contains("fix: check the node's config against `manifold inspect"), "\(result.stderr)")
    }

    /// One SSE event of an OpenAI chat completion stream.
    static func chunk(_ delta: String, finish: String? = nil) -> String {
        let reason = finish.map { "\"\($0)\"" } ?? "null"
        return #"data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(reason)}]}"# + "\n\n"
    }
}
