import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON
import ManifoldMCPKit
import ManifoldPluginTestSupport
import Testing

/// The `mcp` node against the fixture server over Streamable HTTP (the Python SDK's own
/// server, answering with event streams and a session id).
@Suite("mcp: Streamable HTTP")
struct MCPStreamableHTTPTests {
    static func withServer(_ body: (FixtureHTTPServer) async throws -> Void) async throws {
        try await PythonPeers.one { try await withServerNow(body) }
    }

    private static func withServerNow(_ body: (FixtureHTTPServer) async throws -> Void) async throws {
        let server = try await FixtureHTTPServer()
        do {
            try await body(server)
        } catch {
            server.stop()
            throw error
        }
        server.stop()
    }

    static func plugin(for server: FixtureHTTPServer, headers: [String: String]? = nil, callTimeoutSeconds: Double = 180) throws -> MCPPlugin {
        try MCPPlugin(
            configuration: MCPConfiguration(
                servers: [MCPServerSpec(name: "remote", url: server.url, headers: headers)], callTimeoutSeconds: callTimeoutSeconds,
                startTimeoutSeconds: 60, restart: MCPRestartPolicy(maxAttempts: 3, initialDelaySeconds: 0.05, maxDelaySeconds: 0.2)))
    }

    @Test("tools, text and structured results, errors and headers over HTTP")
    func callsOverHTTP() async throws {
        try await Self.withServer { server in
            let plugin = try Self.plugin(for: server, headers: ["Authorization": "Bearer test-token-7"])
            let tools = try await MCPDriver.catalog(of: plugin)
            #expect(tools["echo"]?["parameters"]?["properties"]?["text"]?["type"] == "string", "\(tools.keys.sorted())")
            let echo = try await MCPDriver.result(of: MCPDriver.call("echo", ["text": "over http"]), with: plugin)
            #expect(echo["content"] == "over http")
            let weather = try await MCPDriver.result(of: MCPDriver.call("weather", ["city": "Oslo"]), with: plugin)
            #expect(weather["result"]?["city"] == "Oslo")
            let failed = try await MCPDriver.result(of: MCPDriver.call("fail", ["message": "no route"]), with: plugin)
            #expect(failed["isError"] == true)
            #expect(failed["content"]?.stringValue?.contains("no route") == true, "\(failed)")
            let header = try await MCPDriver.result(of: MCPDriver.call("header", ["name": "Authorization"]), with: plugin)
            #expect(header["content"] == "Bearer test-token-7", "the configured headers reach the server")
            let version = try await MCPDriver.result(of: MCPDriver.call("header", ["name": "MCP-Protocol-Version"]), with: plugin)
            #expect(version["content"]?.stringValue?.hasPrefix("20") == true, "the negotiated version travels with each request: \(version)")
            await plugin.shutdown()
        }
    }

    @Test("a call over its time limit is cancelled on the server over HTTP too")
    func timeoutOverHTTP() async throws {
        try await Self.withServer { server in
            let plugin = try Self.plugin(for: server, callTimeoutSeconds: 1)
            _ = try await MCPDriver.catalog(of: plugin)
            let result = try await withTimeLimit(60) {
                try await MCPDriver.result(of: MCPDriver.call("slow", ["seconds": 600]), with: plugin)
            }
            #expect(result["content"]?.stringValue?.contains("did not answer within 1 s") == true, "\(result)")
            #expect(try await server.fixture.waitUntilRecorded("cancelled slow", seconds: 60), "\(server.fixture.recorded)")
            await plugin.shutdown()
        }
    }

    @Test("a server that changes its tools over HTTP: a fresh catalog follows")
    func toolsChangedOverHTTP() async throws {
        try await Self.withServer { server in
            let plugin = try Self.plugin(for: server)
            _ = try await MCPDriver.catalog(of: plugin)
            let added = try await MCPDriver.outputs(of: MCPDriver.call("add_tool", ["name": "shout"]), with: plugin)
            // The server sends the notification on the call's own event stream or on the GET
            // stream, as it likes; the catalog goes out with the first output after it.
            var catalog = added.first { $0.type == ArtifactType.toolCatalog }
            for _ in 0..<100 where catalog == nil {
                let outputs = try await MCPDriver.outputs(of: MCPDriver.call("echo", ["text": "x"]), with: plugin)
                catalog = outputs.first { $0.type == ArtifactType.toolCatalog }
                if catalog == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let fresh = try #require(catalog, "no fresh catalog after the server's tools changed")
            #expect(MCPDriver.tools(in: fresh)["shout"] != nil)
            await plugin.shutdown()
        }
    }

    @Test("an endpoint that goes away after the handshake: the call gets an error result, the node does not fail")
    func endpointGoneAfterHandshake() async throws {
        try await PythonPeers.one {
            let server = try await FixtureHTTPServer()
            let plugin = try MCPPlugin(
                configuration: MCPConfiguration(
                    servers: [MCPServerSpec(name: "remote", url: server.url)], callTimeoutSeconds: 60, startTimeoutSeconds: 60,
                    restart: MCPRestartPolicy(maxAttempts: 0)))
            _ = try await MCPDriver.catalog(of: plugin)
            server.stop()
            let result = try await MCPDriver.result(of: MCPDriver.call("echo", ["text": "x"]), with: plugin)
            #expect(result["isError"] == true)
            // Its event stream breaks first, or the next request finds nobody: either way the
            // model reads that this server at this address went away.
            let message = result["content"]?.stringValue ?? ""
            #expect(message.contains("MCP server 'remote' (\(server.url))"), "\(message)")
            #expect(message.contains("its event stream broke") || message.contains("could not be sent the call"), "\(message)")
            await plugin.shutdown()
        }
    }

    @Test("an endpoint that does not answer: the call says where it looked, after the restarts")
    func unreachableEndpoint() async throws {
        let port = try FixtureHTTPServer.freePort()
        let plugin = try MCPPlugin(
            configuration: MCPConfiguration(
                servers: [MCPServerSpec(name: "nowhere", url: "http://127.0.0.1:\(port)/mcp")], callTimeoutSeconds: 60,
                startTimeoutSeconds: 10, restart: MCPRestartPolicy(maxAttempts: 1, initialDelaySeconds: 0.05)))
        let result = try await MCPDriver.result(of: MCPDriver.call("echo", ["text": "x"]), with: plugin)
        #expect(result["isError"] == true)
        let message = result["content"]?.stringValue ?? ""
        #expect(message.contains("MCP server 'nowhere' (http://127.0.0.1:\(port)/mcp): it could not be reached"), "\(message)")
        await plugin.shutdown()
    }

    @Test("url and command: one of them, and the settings of each kind only with it")
    func endpointSettings() {
        expectError(containing: ["config.servers[0] ('x')", "give \"command\"", "or \"url\""]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: [MCPServerSpec(name: "x")]))
        }
        expectError(containing: ["config.servers[0] ('x')", "not both"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: [MCPServerSpec(name: "x", command: "true", url: "http://127.0.0.1:1/mcp")]))
        }
        expectError(containing: ["config.servers[0].url", "'ftp://example.com/mcp' is not an http:// or https:// URL"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: [MCPServerSpec(name: "x", url: "ftp://example.com/mcp")]))
        }
        expectError(containing: ["config.servers[0].env", "applies only to a \"command\""]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: [MCPServerSpec(name: "x", url: "http://127.0.0.1:1/mcp", env: ["A": "b"])]))
        }
        expectError(containing: ["config.servers[0].headers", "only a server with a \"url\""]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: [MCPServerSpec(name: "x", command: "true", headers: ["A": "b"])]))
        }
    }
}
