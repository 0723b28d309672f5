import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON
import ManifoldMCPKit
import ManifoldPluginTestSupport
import Testing

/// Time limits, cancellation, crashes, restarts and changing tools, against the fixture server.
@Suite("mcp: server life")
struct MCPServerLifeTests {
    static let quickRestarts = MCPRestartPolicy(maxAttempts: 3, initialDelaySeconds: 0.05, maxDelaySeconds: 0.2)

    @Test("a call over its time limit is cancelled on the server and answered with an error")
    func callTimeoutCancelsOnTheServer() async throws {
        try await MCPToolCallTests.withFixture({ $0.callTimeoutSeconds = 1 }) { plugin, fixture in
            // The catalog waits for the server's start (startTimeoutSeconds), so the call's
            // one second is the tool's alone.
            _ = try await MCPDriver.catalog(of: plugin)
            let result = try await withTimeLimit(60) {
                try await MCPDriver.result(of: MCPDriver.call("slow", ["seconds": 600]), with: plugin)
            }
            #expect(result["isError"] == true)
            let message = result["content"]?.stringValue ?? ""
            #expect(message.contains("did not answer within 1 s") && message.contains("callTimeoutSeconds"), "\(message)")
            #expect(try await fixture.waitUntilRecorded("cancelled slow", seconds: 60), "the server saw notifications/cancelled: \(fixture.recorded)")
            // The server still answers.
            let echo = try await MCPDriver.result(of: MCPDriver.call("echo", ["text": "still here"]), with: plugin)
            #expect(echo["content"] == "still here")
        }
    }

    @Test("cancelling the input cancels the call on the server")
    func inputCancellationCancelsOnTheServer() async throws {
        try await MCPToolCallTests.withFixture { plugin, fixture in
            let call = Task { try await MCPDriver.outputs(of: MCPDriver.call("slow", ["seconds": 600]), with: plugin) }
            #expect(try await fixture.waitUntilRecorded("began slow", seconds: 180))
            call.cancel()
            let outcome = try #require(await withTimeLimitResult(60) { await call.result })
            #expect(throws: CancellationError.self) { try outcome.get() }
            #expect(try await fixture.waitUntilRecorded("cancelled slow", seconds: 60), "the server saw notifications/cancelled: \(fixture.recorded)")
        }
    }

    @Test("a server that dies mid-call: the call gets an error, the server is restarted, later calls work")
    func crashedServerIsRestarted() async throws {
        try await PythonPeers.one { try await crashedServerIsRestartedNow() }
    }

    private func crashedServerIsRestartedNow() async throws {
        let logs = LogRecorder()
        let fixture = FixtureServer()
        defer { fixture.remove() }
        let plugin = try MCPPlugin(
            configuration: MCPConfiguration(
                servers: [try fixture.spec()], callTimeoutSeconds: 180, startTimeoutSeconds: 180, restart: Self.quickRestarts),
            log: logs.log)
        let before = try await MCPDriver.result(of: MCPDriver.call("pid", [:]), with: plugin)["content"]?.stringValue
        let crashed = try await MCPDriver.result(of: MCPDriver.call("crash", [:]), with: plugin)
        #expect(crashed["isError"] == true)
        let message = crashed["content"]?.stringValue ?? ""
        #expect(message.contains("went away during the call") && message.contains("not repeated"), "\(message)")
        #expect(message.contains("exited with status 3"), "\(message)")
        // The next call waits for the restart, within its own time limit.
        let after = try await MCPDriver.result(of: MCPDriver.call("pid", [:]), with: plugin)["content"]?.stringValue
        #expect(before != nil && after != nil && before != after, "a new server process answers: \(String(describing: before)) then \(String(describing: after))")
        #expect(fixture.recorded.filter { $0.hasPrefix("started ") }.count == 2)
        await plugin.shutdown()
        #expect(logs.text.contains("crashing on purpose"), "the server's standard error reaches the log")
        #expect(logs.text.contains("1 restarts"), "\(logs.text)")
    }

    @Test("a server that cannot start is given up after restart.maxAttempts, with its last words")
    func failingServerIsGivenUp() async throws {
        try await PythonPeers.one { try await failingServerIsGivenUpNow() }
    }

    private func failingServerIsGivenUpNow() async throws {
        let logs = LogRecorder()
        let fixture = FixtureServer()
        defer { fixture.remove() }
        let plugin = try MCPPlugin(
            configuration: MCPConfiguration(
                servers: [try fixture.spec(flags: ["--fail-at-start"])], callTimeoutSeconds: 180, startTimeoutSeconds: 180,
                restart: MCPRestartPolicy(maxAttempts: 2, initialDelaySeconds: 0.05, maxDelaySeconds: 0.1)),
            log: logs.log)
        let tools = try await MCPDriver.catalog(of: plugin)
        #expect(tools.isEmpty)
        let result = try await withTimeLimit(170) {
            try await MCPDriver.result(of: MCPDriver.call("echo", ["text": "x"]), with: plugin)
        }
        #expect(result["isError"] == true)
        let message = result["content"]?.stringValue ?? ""
        #expect(message.contains("no MCP server offers any tool"), "\(message)")
        #expect(message.contains("exited with status 2") && message.contains("the API token is missing"), "\(message)")
        await plugin.shutdown()
        #expect(logs.text.contains("given up after 3 failed starts in a row"), "\(logs.text)")
    }

    @Test("a server that never finishes the handshake fails after startTimeoutSeconds")
    func hangingServerTimesOut() async throws {
        try await PythonPeers.one { try await hangingServerTimesOutNow() }
    }

    private func hangingServerTimesOutNow() async throws {
        let fixture = FixtureServer()
        defer { fixture.remove() }
        let plugin = try MCPPlugin(
            configuration: MCPConfiguration(
                servers: [try fixture.spec(flags: ["--hang-at-start"])], callTimeoutSeconds: 120, startTimeoutSeconds: 0.5,
                restart: MCPRestartPolicy(maxAttempts: 0)))
        let result = try await withTimeLimit(110) {
            try await MCPDriver.result(of: MCPDriver.call("echo", ["text": "x"]), with: plugin)
        }
        let message = result["content"]?.stringValue ?? ""
        #expect(message.contains("did not finish the MCP handshake within 0.5 s (startTimeoutSeconds)"), "\(message)")
        await withTimeLimitResult(15) { await plugin.shutdown() }
    }

    @Test("when the server's tools change, a fresh tool/catalog goes out before the next result")
    func toolsChangedSendsAFreshCatalog() async throws {
        try await MCPToolCallTests.withFixture { plugin, _ in
            let first = try await MCPDriver.catalog(of: plugin)
            #expect(first["shout"] == nil)
            // The server says its tools changed before it answers: the answer waits for the
            // new list, and the catalog goes out first.
            let outputs = try await MCPDriver.outputs(of: MCPDriver.call("add_tool", ["name": "shout"]), with: plugin)
            let catalogIndex = try #require(outputs.firstIndex { $0.type == ArtifactType.toolCatalog }, "\(outputs.map(\.type))")
            let resultIndex = try #require(outputs.firstIndex { $0.type == .toolResult })
            #expect(catalogIndex < resultIndex, "the catalog comes before the result, so the model sees it on its next turn")
            #expect(MCPDriver.tools(in: outputs[catalogIndex])["shout"] != nil)
            let shout = try await MCPDriver.outputs(of: MCPDriver.call("shout", ["text": "hey"]), with: plugin)
            #expect(shout.map(\.type) == [.toolResult], "no second catalog without a second change")
            #expect(shout.first.map(json)?["content"] == "shout: hey")
        }
    }
}

/// `body`'s value, or nothing (and a recorded issue) when it takes longer than `seconds`.
@discardableResult
func withTimeLimitResult<T: Sendable>(
    _ seconds: Double, sourceLocation: SourceLocation = #_sourceLocation, _ body: @escaping @Sendable () async -> T
) async -> T? {
    try? await withTimeLimit(seconds, sourceLocation: sourceLocation) { await body() }
}

/// A server that exits before reading a message: the node's write to it must not end the host.
@Suite("mcp: broken pipes")
struct MCPBrokenPipeTests {
    @Test("with SIGPIPE at its default action, a server that exits at once costs an error result, not the process")
    func serverThatExitsAtOnceDoesNotKillTheHost() async throws {
        let logs = LogRecorder()
        // The default action would end this test process on the first write to the dead
        // server. Set just before the plugin (which changes it at once), so that other tests'
        // servers, running at the same time, meet it only for that instant.
        signal(SIGPIPE, SIG_DFL)
        let plugin = try MCPPlugin(
            configuration: MCPConfiguration(
                servers: [MCPServerSpec(name: "gone", command: "true")], callTimeoutSeconds: 60, startTimeoutSeconds: 60,
                restart: MCPRestartPolicy(maxAttempts: 0)),
            log: logs.log)
        let result = try await MCPDriver.result(of: MCPDriver.call("echo", ["text": "x"]), with: plugin)
        #expect(result["isError"] == true)
        #expect(result["content"]?.stringValue?.contains("MCP server 'gone' (true)") == true, "\(result)")
        var current = sigaction()
        sigaction(SIGPIPE, nil, &current)
        #expect(current.__sigaction_handler.sa_handler != nil, "SIGPIPE is no longer at its default action")
        await plugin.shutdown()
        #expect(logs.text.contains("SIGPIPE was at its default action"), "\(logs.text)")
    }
}
