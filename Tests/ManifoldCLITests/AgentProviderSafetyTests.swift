import Foundation
import Testing

/// `manifold run` with an agent whose provider is a hostile server on loopback: time limits
/// reach the model call across the plugin boundary, keys never reach any output, and the
/// server's terminal escapes never reach the terminal.
@Suite("agent against a hostile provider")
struct AgentProviderSafetyTests {
    static let key = "sk-cli-test-0123456789-NEVERSHOWN-zyx"

    enum Wire: String, CaseIterable, Sendable {
        case openai, anthropic, ollama

        /// The base URL below the server's root.
        var path: String { self == .ollama ? "" : "/v1" }

        /// The header that carries the key, as the server received it.
        func credential(in request: LoopbackHTTPServer.Request) -> String {
            self == .anthropic ? "x-api-key: \(request.headers["x-api-key"] ?? "")"
                : "Authorization: \(request.headers["authorization"] ?? "")"
        }

        /// An error event after HTTP 200 that quotes `message`.
        func errorStream(_ message: String) -> LoopbackHTTPServer.Response {
            let text = try! String(decoding: JSONSerialization.data(withJSONObject: message, options: .fragmentsAllowed), as: UTF8.self)
            switch self {
            case .openai:
                return .init(pieces: [#"data: {"error": {"type": "invalid_request_error", "message": "# + text + "}}\n\n"])
            case .anthropic:
                return .init(pieces: ["event: error\n" + #"data: {"type": "error", "error": {"type": "authentication_error", "message": "# + text + "}}\n\n"])
            case .ollama:
                return .init(contentType: "application/x-ndjson", pieces: [#"{"error": "# + text + "}\n"])
            }
        }
    }

    /// A graph of one agent node (with `middleware`) whose provider talks to `baseURL`, and
    /// outputs for its answers and for `$errors`.
    private func agentGraph(_ provider: String, middleware: String = "[]") throws -> String {
        try CLI.writeGraph("""
            {"manifold": 1, "name": "hostile-provider", "plugins": ["$PLUGINS"],
             "inputs": {"prompt": {"topic": "prompt", "types": ["text/plain"]}},
             "outputs": {"answer": {"topic": "chat", "types": ["chat/delta", "chat/message"]},
                         "errors": {"topic": "$errors", "types": ["manifold/error"]}},
             "nodes": {"assistant": {"plugin": "agent", "subscribe": ["prompt"], "output": "chat",
                                     "middleware": \(middleware),
                                     "config": {"provider": \(provider)}}}}
            """)
    }

    @Test func aTimeoutAroundTheAgentClosesTheModelCallAcrossThePluginBoundary() async throws {
        // The server answers with headers and then nothing: only a cancellation that reaches
        // the HTTP client closes the connection before the 60 s read timeout.
        let server = try LoopbackHTTPServer { _ in .init(pieces: [], ending: .hang) }
        defer { server.stop() }
        let graph = try agentGraph(
            #"{"provider": "openai", "model": "m", "baseURL": "\#(server.baseURL)/v1", "timeoutSeconds": 60, "maxRetries": 0}"#,
            middleware: #"[{"plugin": "timeout", "config": {"seconds": 1}}]"#)
        // Standard input stays open: the run is still going when the connection must close.
        let child = try await ChildProcess.launch(executable: CLI.executable, arguments: ["run", graph, "--lines"], directory: CLI.repositoryRoot)
        child.input.fileHandleForWriting.write(Data("hello\n".utf8))
        let requested = await server.waitForRequests(1, seconds: 60)
        // The limit is 1 s; 20 s is far above any delay of a loaded machine, far below 60 s.
        let closed = requested ? await server.waitForClosedConnections(1, seconds: 20) : false
        try child.input.fileHandleForWriting.close()
        let finished = await child.collect(timeLimit: CLI.timeLimit)
        #expect(requested, "the model call never reached the server; stderr:\n\(finished.stderr)")
        #expect(closed, "the model call outlived the node's timeout; stderr:\n\(finished.stderr)")
        #expect(finished.status == 1)
        #expect(finished.stderr.contains("timeout: node 'assistant' did not finish input"), "\(finished.stderr)")
    }

    @Test(arguments: Wire.allCases)
    func aKeyEchoedByTheServerNeverReachesStderrOrErrors(wire: Wire) async throws {
        let server = try LoopbackHTTPServer { request in
            wire.errorStream("request refused, credentials in header \(wire.credential(in: request)) are not valid")
        }
        defer { server.stop() }
        let graph = try agentGraph(
            #"{"provider": "\#(wire.rawValue)", "model": "m", "baseURL": "\#(server.baseURL)\#(wire.path)", "apiKeyEnv": "MANIFOLD_TEST_KEY", "maxRetries": 0}"#,
            middleware: #"[{"plugin": "retry", "config": {"maxAttempts": 2, "initialBackoffSeconds": 0}}]"#)
        let result = try await CLI.run(
            ["run", graph, "--input", "hi", "--output", "json", "--log-level", "info"], environment: ["MANIFOLD_TEST_KEY": Self.key])
        #expect(server.requests.count == 2, "the retry asked twice")
        #expect(server.requests.allSatisfy { wire.credential(in: $0).contains(Self.key) }, "the key was sent")
        #expect(result.status == 1)
        #expect(result.stderr.contains("retry: node 'assistant' failed 2 attempts"), "\(result.stderr)")
        #expect(result.stderr.contains("[redacted]"), "\(result.stderr)")
        let errors = result.stdout.split(separator: "\n").filter { $0.contains("manifold/error") }
        #expect(errors.count == 1, "the failure is on $errors: \(result.stdout)")
        #expect(errors.first?.contains("[redacted]") == true)
        for (name, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            #expect(!text.contains(Self.key), "the key is on \(name): \(text)")
            #expect(!text.contains("NEVERSHOWN"), "part of the key is on \(name): \(text)")
        }
    }

    @Test func terminalEscapesInAServerErrorAreShownEscaped() async throws {
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2Jscreen cleared"
        let server = try LoopbackHTTPServer { _ in
            let text = try! String(decoding: JSONSerialization.data(withJSONObject: hostile, options: .fragmentsAllowed), as: UTF8.self)
            return .json("400 Bad Request", #"{"error": {"message": "# + text + "}}")
        }
        defer { server.stop() }
        let graph = try agentGraph(#"{"provider": "openai", "model": "m", "baseURL": "\#(server.baseURL)/v1", "maxRetries": 0}"#)
        let result = try await CLI.run(["run", graph, "--input", "hi"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("request rejected (HTTP 400)"), "\(result.stderr)")
        #expect(!result.stderr.unicodeScalars.contains("\u{1B}"), "an ESC byte reached the terminal: \(result.stderr.debugDescription)")
        #expect(!result.stderr.unicodeScalars.contains("\u{07}"))
        #expect(result.stderr.contains(#"\x1B]0;pwned\x07\x1B[2Jscreen cleared"#), "\(result.stderr)")
    }

    @Test func everyMessageOnStderrHasItsControlCharactersEscapedWhileOutputsStayExact() async throws {
        // The tools plugin quotes a call that is not JSON as it came; the CLI escapes it.
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "quoting", "plugins": ["$PLUGINS"],
             "inputs": {"calls": {"topic": "calls", "types": ["tool/call"]}, "text": {"topic": "text", "types": ["text/plain"]}},
             "outputs": {"results": {"topic": "results", "types": ["tool/result"]}, "echoed": {"topic": "echoed", "types": ["text/plain"]}},
             "nodes": {
               "tools": {"plugin": "tools", "subscribe": ["calls"], "output": "results",
                         "config": {"tools": [{"name": "pow", "library": "libm.so.6", "symbol": "pow", "signature": "double(double x, double y)"}]}},
               "echo": {"plugin": "echo", "subscribe": ["text"], "output": "echoed"}}}
            """)
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\r\u{9B}1m not JSON"
        let failing = try await CLI.run(["run", graph, "--to", "calls", "--input", hostile])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("the payload is not JSON"), "\(failing.stderr)")
        #expect(!failing.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\r" || $0 == "\u{9B}" },
                "\(failing.stderr.debugDescription)")
        #expect(failing.stderr.contains(#"\x1B]0;pwned\x07\x1B[2J\r\x9B1m not JSON"#), "\(failing.stderr)")

        let echoed = try await CLI.run(["run", graph, "--to", "text", "--input", hostile])
        #expect(echoed.status == 0, "\(echoed.stderr)")
        #expect(echoed.stdout.contains(hostile), "graph outputs are data: written byte for byte")
    }
}
