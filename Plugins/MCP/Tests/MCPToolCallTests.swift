import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON
import ManifoldMCPKit
import ManifoldPluginTestSupport
import Testing

/// Calls through the `mcp` node to a real MCP server written with the official Python SDK.
@Suite("mcp: tools and calls")
struct MCPToolCallTests {
    /// Runs `body` with a node over the fixture server, and stops the server after.
    static func withFixture(
        _ configure: (inout MCPConfiguration) -> Void = { _ in }, env: [String: String] = [:],
        hostEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        _ body: (MCPPlugin, FixtureServer) async throws -> Void
    ) async throws {
        try await PythonPeers.one { try await withFixtureNow(configure, env: env, hostEnvironment: hostEnvironment, body) }
    }

    private static func withFixtureNow(
        _ configure: (inout MCPConfiguration) -> Void, env: [String: String], hostEnvironment: [String: String],
        _ body: (MCPPlugin, FixtureServer) async throws -> Void
    ) async throws {
        let fixture = FixtureServer()
        defer { fixture.remove() }
        // A loaded machine (the whole suite at once on two cores) takes tens of seconds to
        // start a Python server: the limits under test are set by each test.
        var configuration = MCPConfiguration(servers: [try fixture.spec(env: env)], callTimeoutSeconds: 180, startTimeoutSeconds: 180)
        configure(&configuration)
        let plugin = try MCPPlugin(configuration: configuration, hostEnvironment: hostEnvironment)
        do {
            try await body(plugin, fixture)
        } catch {
            await plugin.shutdown()
            throw error
        }
        await plugin.shutdown()
    }

    @Test("tool/list gives the server's tools with their descriptions and input schemas")
    func catalogListsTheServersTools() async throws {
        try await Self.withFixture { plugin, _ in
            let tools = try await MCPDriver.catalog(of: plugin)
            #expect(Set(tools.keys).isSuperset(of: ["echo", "slow", "crash", "pid", "fail", "weather", "add_tool", "env"]))
            let echo = try #require(tools["echo"])
            #expect(echo["description"] == "Returns its text.")
            #expect(echo["parameters"]?["type"] == "object")
            #expect(echo["parameters"]?["properties"]?["text"]?["type"] == "string")
            #expect(echo["parameters"]?["required"] == ["text"])
        }
    }

    @Test("a call's text comes back as content, with the call's id, name and correlation")
    func echoCall() async throws {
        try await Self.withFixture { plugin, _ in
            let outputs = try await MCPDriver.outputs(of: MCPDriver.call("echo", ["text": "héllo, world"], id: "call_7"), with: plugin)
            try #require(outputs.count == 1)
            let result = outputs[0]
            #expect(result.type == .toolResult)
            #expect(result.correlationID == "conv")
            #expect(result.metadata[ToolMetadataKey.toolCallID] == "call_7")
            #expect(result.metadata[ToolMetadataKey.toolName] == "echo")
            #expect(result.metadata[ToolMetadataKey.isError] == "false")
            let payload = json(result)
            #expect(payload["content"] == "héllo, world")
            #expect(payload["isError"] == false)
            #expect(payload["id"] == "call_7")
            // Arguments as JSON text, as some providers send them, work too.
            let asText = try await MCPDriver.result(of: MCPDriver.call("echo", .string(#"{"text": "again"}"#)), with: plugin)
            #expect(asText["content"] == "again")
        }
    }

    @Test("structured content is the result's value")
    func structuredContent() async throws {
        try await Self.withFixture { plugin, _ in
            let result = try await MCPDriver.result(of: MCPDriver.call("weather", ["city": "Lyon"]), with: plugin)
            #expect(result["isError"] == false)
            #expect(result["result"]?["city"] == "Lyon")
            #expect(result["result"]?["celsius"]?.doubleValue == 21.5)
            #expect(result["content"]?.stringValue?.contains("clear") == true)
        }
    }

    @Test("a tool that fails answers with isError and the server's message")
    func serverSideError() async throws {
        try await Self.withFixture { plugin, _ in
            let result = try await MCPDriver.result(of: MCPDriver.call("fail", ["message": "the disk is on fire"]), with: plugin)
            #expect(result["isError"] == true)
            #expect(result["content"]?.stringValue?.contains("the disk is on fire") == true, "\(result)")
        }
    }

    @Test("unknown tools and arguments that are not an object get error results naming the fix")
    func badCallsGetErrorResults() async throws {
        try await Self.withFixture { plugin, _ in
            let unknown = try await MCPDriver.result(of: MCPDriver.call("ech", ["text": "x"]), with: plugin)
            #expect(unknown["isError"] == true)
            let message = unknown["content"]?.stringValue ?? ""
            #expect(message.contains("unknown tool 'ech'") && message.contains("echo") && message.contains("weather"), "\(message)")

            let list = try await MCPDriver.result(of: MCPDriver.call("echo", [1, 2]), with: plugin)
            #expect(list["isError"] == true)
            #expect(list["content"]?.stringValue?.contains("the arguments are a JSON array") == true, "\(list)")

            let garbled = try await MCPDriver.result(of: MCPDriver.call("echo", .string("{text: oops")), with: plugin)
            #expect(garbled["content"]?.stringValue?.contains("text that is not JSON") == true, "\(garbled)")

            // A server's own validation reaches the model as an error result too.
            let missing = try await MCPDriver.result(of: MCPDriver.call("echo", [:]), with: plugin)
            #expect(missing["isError"] == true)
        }
    }

    @Test("a call without an id, or an input of another type, is the node's error")
    func malformedInputsThrow() async throws {
        try await Self.withFixture { plugin, _ in
            let noID = Artifact(type: .toolCall, payload: Data(#"{"name": "echo"}"#.utf8))
            await expectError(containing: ["cannot be answered", "\"id\""]) {
                _ = try await MCPDriver.outputs(of: noID, with: plugin)
            }
            let text = Artifact(type: .plainText, payload: Data("hi".utf8))
            await expectError(containing: ["text/plain", "send tool/call or tool/list"]) {
                _ = try await MCPDriver.outputs(of: text, with: plugin)
            }
        }
    }

    @Test("a server inherits only the safe variables of the host, its env and those it names")
    func environmentIsNotInherited() async throws {
        var host = ProcessInfo.processInfo.environment
        host["MANIFOLD_TEST_API_KEY"] = "sk-secret"
        host["MANIFOLD_TEST_REGION"] = "eu-west"
        try await Self.withFixture(env: ["GIVEN": "by the spec"], hostEnvironment: host) { plugin, _ in
            let secret = try await MCPDriver.result(of: MCPDriver.call("env", ["name": "MANIFOLD_TEST_API_KEY"]), with: plugin)
            #expect(secret["content"] == "(unset)")
            let given = try await MCPDriver.result(of: MCPDriver.call("env", ["name": "GIVEN"]), with: plugin)
            #expect(given["content"] == "by the spec")
            let path = try await MCPDriver.result(of: MCPDriver.call("env", ["name": "PATH"]), with: plugin)
            #expect(path["content"]?.stringValue == host["PATH"])
        }
        try await Self.withFixture({ $0.servers[0].inheritEnvironment = ["MANIFOLD_TEST_REGION"] }, hostEnvironment: host) { plugin, _ in
            let region = try await MCPDriver.result(of: MCPDriver.call("env", ["name": "MANIFOLD_TEST_REGION"]), with: plugin)
            #expect(region["content"] == "eu-west")
            let secret = try await MCPDriver.result(of: MCPDriver.call("env", ["name": "MANIFOLD_TEST_API_KEY"]), with: plugin)
            #expect(secret["content"] == "(unset)")
        }
    }

    @Test("two servers offering the same tool names: both prefixed with their server's name; a prefix avoids it")
    func nameClashesArePrefixed() async throws {
        try await PythonPeers.one { try await nameClashesArePrefixedNow() }
    }

    private func nameClashesArePrefixedNow() async throws {
        let fixture = FixtureServer()
        defer { fixture.remove() }
        let plugin = try MCPPlugin(
            configuration: MCPConfiguration(
                servers: [try fixture.spec(name: "left"), try fixture.spec(name: "right"), try fixture.spec(name: "third", prefix: "t_")],
                callTimeoutSeconds: 180, startTimeoutSeconds: 180))
        let tools = try await MCPDriver.catalog(of: plugin)
        #expect(tools["echo"] == nil)
        #expect(tools["left_echo"] != nil && tools["right_echo"] != nil && tools["t_echo"] != nil)
        let left = try await MCPDriver.result(of: MCPDriver.call("left_pid", [:]), with: plugin)
        let right = try await MCPDriver.result(of: MCPDriver.call("right_pid", [:]), with: plugin)
        let third = try await MCPDriver.result(of: MCPDriver.call("t_pid", [:]), with: plugin)
        let pids = Set([left, right, third].compactMap { $0["content"]?.stringValue })
        #expect(pids.count == 3, "each name reaches its own server: \(pids)")
        await plugin.shutdown()
    }
}
