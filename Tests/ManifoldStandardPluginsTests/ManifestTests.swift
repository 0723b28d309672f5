import Foundation
import Manifold
import ManifoldAgentKit
import ManifoldJSON
import ManifoldMCPKit
import ManifoldMiddlewareKit
import ManifoldPluginKit
import ManifoldToolsKit
import ManifoldPluginTestSupport
import Testing

@Suite("plugin manifests")
struct ManifestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var library: String
        var kind: String
        var info: PluginInfo
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "agent.json", library: "libManifoldAgent.so", kind: "generator", info: AgentPlugin.info),
        Case(file: "tools.json", library: "libManifoldTools.so", kind: "generator", info: ToolsPlugin.info),
        Case(file: "mcp.json", library: "libManifoldMCP.so", kind: "generator", info: MCPPlugin.info),
        Case(file: "retry.json", library: "libManifoldMiddleware.so", kind: "middleware", info: RetryPlugin.info),
        Case(file: "timeout.json", library: "libManifoldMiddleware.so", kind: "middleware", info: TimeoutPlugin.info),
        Case(file: "rate-limit.json", library: "libManifoldMiddleware.so", kind: "middleware", info: RateLimitPlugin.info),
        Case(file: "redact.json", library: "libManifoldMiddleware.so", kind: "middleware", info: RedactPlugin.info),
        Case(file: "schema.json", library: "libManifoldMiddleware.so", kind: "middleware", info: SchemaPlugin.info),
    ]

    @Test("each manifest agrees with its plugin's descriptor, and its config schema is a valid JSON Schema", arguments: cases)
    func manifestMatchesDescriptor(_ entry: Case) throws {
        let url = pluginManifestFolder.appendingPathComponent(entry.file)
        let manifest = try JSONValue(parsing: Data(contentsOf: url))
        #expect(manifest["manifestVersion"] == 1)
        #expect(manifest["abi"] == "2.0")
        #expect(manifest["name"]?.stringValue == entry.info.name)
        #expect(manifest["version"]?.stringValue == entry.info.version)
        #expect(manifest["kind"]?.stringValue == entry.kind)
        #expect(manifest["library"]?.stringValue == entry.library)
        #expect(manifest["description"]?.stringValue == entry.info.summary)
        #expect(manifest["inputs"] == .array(entry.info.ports.inputs.types.map { .string($0.description) }))
        #expect(manifest["outputs"] == .array(entry.info.ports.outputs.types.map { .string($0.description) }))
        let schema = try #require(entry.info.configSchema)
        #expect(manifest["configSchema"] == schema, "expected configSchema: \(String(decoding: schema.serialized(pretty: true), as: UTF8.self))")
        _ = try JSONSchema(schema)
    }

    @Test("config schemas accept the documented examples and refuse typos")
    func schemasAcceptExamples() throws {
        let agent = try JSONSchema(try #require(AgentPlugin.info.configSchema))
        #expect(agent.accepts(["provider": ["provider": "scripted", "script": [["text": "hi"]]], "maxToolRounds": 2]))
        #expect(!agent.accepts(["provider": ["provider": "openai"], "maxToolRound": 2]))
        let tools = try JSONSchema(try #require(ToolsPlugin.info.configSchema))
        #expect(tools.accepts(["tools": [["name": "pow", "library": "libm.so.6", "symbol": "pow", "signature": "double(double x, double y)"]]]))
        let mcp = try JSONSchema(try #require(MCPPlugin.info.configSchema))
        #expect(mcp.accepts(["servers": [["name": "time", "command": "mcp-server-time", "args": ["--local-timezone", "UTC"]]], "callTimeoutSeconds": 5]))
        #expect(!mcp.accepts(["servers": [["name": "time", "comand": "mcp-server-time"]]]))
        #expect(!mcp.accepts(["servers": []]))
        #expect(mcp.accepts(["servers": [["name": "docs", "url": "https://mcp.example.com/mcp", "headers": ["Authorization": "Bearer x"]]]]))
        #expect(!mcp.accepts(["servers": [["name": "docs"]]]), "a program or an endpoint")
        #expect(!mcp.accepts(["servers": [["name": "docs", "command": "x", "url": "http://127.0.0.1:1/mcp"]]]), "not both")
        #expect(!mcp.accepts(["servers": [["name": "docs", "url": "ftp://example.com/mcp"]]]))
        let retry = try JSONSchema(try #require(RetryPlugin.info.configSchema))
        #expect(retry.accepts(["retryOn": "all"]))
        #expect(retry.accepts(["retryOn": ["HTTP 5"]]))
        #expect(!retry.accepts(["retryOn": "some"]))
        let schema = try JSONSchema(try #require(SchemaPlugin.info.configSchema))
        #expect(schema.accepts(["schema": ["type": "object"], "applyTo": "both"]))
    }

    @Test("what each plugin's config schema lets a graph leave out, its Configuration decodes: validate never passes what run refuses")
    func schemasCoverConfigurations() {
        let mismatches = AgentPlugin.configurationMismatches() + ToolsPlugin.configurationMismatches() + MCPPlugin.configurationMismatches()
            + RetryPlugin.configurationMismatches() + TimeoutPlugin.configurationMismatches()
            + RateLimitPlugin.configurationMismatches() + RedactPlugin.configurationMismatches()
            + SchemaPlugin.configurationMismatches()
        #expect(mismatches == [])
    }
}
