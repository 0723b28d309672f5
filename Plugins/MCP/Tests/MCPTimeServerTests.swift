import Foundation
import Manifold
import ManifoldJSON
import ManifoldMCPKit
import ManifoldPluginTestSupport
import Testing

/// The reference MCP server `mcp-server-time` (from PyPI), as an operator would configure it.
@Suite("mcp: mcp-server-time")
struct MCPTimeServerTests {
    static var time: MCPServerSpec {
        get throws { MCPServerSpec(name: "time", command: try FixtureServer.installed("mcp-server-time"), args: ["--local-timezone", "UTC"]) }
    }

    @Test("its tools are listed, and get_current_time answers for a zone")
    func currentTimeInAZone() async throws {
        try await PythonPeers.one { try await currentTimeInAZoneNow() }
    }

    private func currentTimeInAZoneNow() async throws {
        let plugin = try MCPPlugin(configuration: MCPConfiguration(servers: [try Self.time], callTimeoutSeconds: 180, startTimeoutSeconds: 180))
        let tools = try await MCPDriver.catalog(of: plugin)
        let tool = try #require(tools["get_current_time"], "tools: \(tools.keys.sorted())")
        #expect(tool["parameters"]?["properties"]?["timezone"] != nil)
        #expect(tools["convert_time"] != nil)

        let result = try await MCPDriver.result(of: MCPDriver.call("get_current_time", ["timezone": "Asia/Tokyo"]), with: plugin)
        #expect(result["isError"] == false)
        let text = result["content"]?.stringValue ?? ""
        #expect(text.contains("Asia/Tokyo") && text.contains("+09:00"), "\(text)")

        let wrongZone = try await MCPDriver.result(of: MCPDriver.call("get_current_time", ["timezone": "Mars/Olympus"]), with: plugin)
        #expect(wrongZone["isError"] == true)
        #expect(wrongZone["content"]?.stringValue?.contains("Mars/Olympus") == true, "\(wrongZone)")
        await plugin.shutdown()
    }
}
