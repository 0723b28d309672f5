import Foundation
import Logging
import Manifold
import ManifoldHost
import ManifoldJSON
import Synchronization
import Testing

/// `manifold validate` flags a tools node that binds a dangerous C function, from the tools
/// manifest's config schema alone: an error without `"unsafe": true`, a warning with it.
@Suite("Validating tools nodes")
struct ToolsValidationTests {
    private var options: PluginLoaderOptions { PluginLoaderOptions(libraryPaths: [HostTestSupport.buildFolder]) }

    private func graph(tools: String) throws -> String {
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/graph.json"
        try """
        { "manifold": 1, "name": "tools", "plugins": ["\(HostTestSupport.bundledManifests)"],
          "inputs": { "calls": { "topic": "calls", "types": ["tool/call"] } },
          "outputs": { "results": { "topic": "results", "types": ["tool/result"] } },
          "nodes": { "calc": { "plugin": "tools", "config": { "tools": [\(tools)] }, "subscribe": ["calls"], "output": "results" } } }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let pow = #"{ "name": "pow", "library": "libm.so.6", "symbol": "pow", "signature": "double(double x, double y)" }"#

    @Test("a dangerous symbol without unsafe: true is an error naming the tool, the symbol and the fix", arguments: [
        ("shell", "system", "start a program or a shell command"),
        ("rm", "unlink", "remove, rename, truncate"),
        ("env", "getenv", "read or change the host's environment variables"),
        ("copy", "__memcpy_chk", "write memory"),
        ("quit", "exit", "end the host process"),
    ])
    func dangerousSymbolIsAnError(_ name: String, _ symbol: String, _ risk: String) throws {
        let path = try graph(tools: Self.pow + #", { "name": "\#(name)", "library": "libc.so.6", "symbol": "\#(symbol)", "signature": "int32(string s)" }"#)
        let validation = GraphValidator.validate(manifestAt: path, requireEnvironment: false, loaderOptions: options)
        #expect(!validation.isValid)
        let error = try #require(validation.errors.first)
        #expect(validation.errors.count == 1, "\(validation.errors)")
        #expect(error.file == path)
        #expect(error.path == "$.nodes.calc.config.tools[1]")
        #expect(error.message.hasPrefix("tool '\(name)' calls '\(symbol)', which can "), "\(error.message)")
        #expect(error.message.contains(risk), "\(error.message)")
        #expect(error.message.contains("a tool is code the model may run at any time with any arguments"))
        #expect(error.message.contains("add \"unsafe\": true to the tool if the model should have that power, or choose another function"))
    }

    @Test("each tool with unsafe: true is a warning at its JSON path; the graph is valid")
    func unsafeIsAWarning() throws {
        let path = try graph(tools: Self.pow + """
            , { "name": "shell", "library": "libc.so.6", "symbol": "system", "signature": "int32(string command)", "unsafe": true },
              { "name": "env", "library": "libc.so.6", "symbol": "getenv", "signature": "string(string name)", "unsafe": true },
              { "name": "cos", "library": "libm.so.6", "symbol": "cos", "signature": "double(double x)", "unsafe": false }
            """)
        let validation = GraphValidator.validate(manifestAt: path, requireEnvironment: false, loaderOptions: options)
        #expect(validation.isValid, "\(validation.diagnostics)")
        #expect(validation.warnings.map(\.path) == ["$.nodes.calc.config.tools[1].unsafe", "$.nodes.calc.config.tools[2].unsafe"])
        #expect(validation.warnings.allSatisfy {
            $0.message.contains("\"unsafe\": true lets this tool call a C function on the dangerous list")
                && $0.message.contains("the model may run it at any time with any arguments")
        })
    }

    @Test("both checks come from the manifest's config schema alone: no library, no plugin code")
    func manifestAloneSuffices() throws {
        // A plugin that is nothing but the schema in manifests/plugins/tools.json: no library
        // behind it, and it counts any attempt to make an instance.
        let manifest = try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: HostTestSupport.bundledManifests + "/tools.json")))
        let schema: JSONValue = try #require(manifest["configSchema"])
        final class Instances: Sendable { let count = Atomic<Int>(0) }
        let instances = Instances()
        let schemaOnly = try InProcessPlugin.generator(
            name: "tools", ports: PortTypes(inputs: ["tool/call", "tool/list"], outputs: ["tool/result", "tool/catalog"]),
            configSchema: schema
        ) { _, _, _ in
            instances.count.add(1, ordering: .relaxed)
            throw CancellationError()
        }

        let refused = try graph(tools: #"{ "name": "quit", "library": "libc.so.6", "symbol": "_exit", "signature": "void(int32 status)" }"#)
        let refusal = GraphValidator.validate(manifestAt: refused, requireEnvironment: false, providers: ["tools": schemaOnly])
        #expect(refusal.errors.map(\.path) == ["$.nodes.calc.config.tools[0]"])
        #expect(refusal.errors.first?.message.hasPrefix("tool 'quit' calls '_exit', which can start a program or a shell command, or replace or end the host process") == true)

        let granted = try graph(tools: #"{ "name": "quit", "library": "libc.so.6", "symbol": "_exit", "signature": "void(int32 status)", "unsafe": true }"#)
        let grant = GraphValidator.validate(manifestAt: granted, requireEnvironment: false, providers: ["tools": schemaOnly])
        #expect(grant.isValid, "\(grant.diagnostics)")
        #expect(grant.warnings.map(\.path) == ["$.nodes.calc.config.tools[0].unsafe"])
        #expect(instances.count.load(ordering: .relaxed) == 0)
    }

    @Test("the example graphs with tools stay valid, without warnings")
    func examplesStayValid() throws {
        let path = HostTestSupport.repositoryRoot + "/Examples/agent-tools.json"
        let validation = GraphValidator.validate(manifestAt: path, requireEnvironment: false, loaderOptions: options)
        #expect(validation.isValid, "\(validation.diagnostics)")
        #expect(validation.warnings.isEmpty, "\(validation.warnings)")
    }
}
