import Foundation
import Manifold
import ManifoldJSON
import ManifoldToolsKit
import ManifoldPluginTestSupport
import Testing

@Suite("tools")
struct ToolsTests {
    static let mathTools = ToolsConfiguration(tools: [
        ToolSpec(name: "pow", description: "x to the power y", library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)"),
        ToolSpec(name: "cos", library: TestLibraries.libm, symbol: "cos", signature: "double(double x)"),
    ])

    static let exampleTools = ToolsConfiguration(tools: [
        ToolSpec(
            name: "greet", description: "Greets someone", library: TestLibraries.exampleToolsFileName,
            symbol: "manifold_example_greeting", signature: "string(string name)"),
        ToolSpec(
            name: "length", library: TestLibraries.exampleToolsFileName, symbol: "manifold_example_string_length",
            signature: "int64(string text)"),
        ToolSpec(
            name: "add_u8", library: TestLibraries.exampleToolsFileName, symbol: "manifold_example_wrapping_add_u8",
            signature: "uint8(uint8 a, uint8 b)"),
    ])

    static func call(_ name: String, _ arguments: JSONValue, id: String = "c1") -> Artifact {
        Artifact(
            type: .toolCall, payload: JSONValue.object(["id": .string(id), "name": .string(name), "arguments": arguments]).serialized(),
            correlationID: "conv")
    }

    static func result(of call: Artifact, with plugin: ToolsPlugin) async throws -> JSONValue {
        let out = Recorder()
        try await plugin.process(call, context: out.context(for: call, node: "tools"))
        let results = out.of(.toolResult)
        try #require(results.count == 1)
        #expect(results[0].correlationID == "conv")
        return json(results[0])
    }

    @Test("libm pow and cos return their values, with content for the model")
    func libmCalls() async throws {
        let tools = try ToolsPlugin(configuration: Self.mathTools)
        let pow = try await Self.result(of: Self.call("pow", ["x": 2, "y": 10]), with: tools)
        #expect(pow["result"]?.doubleValue == 1024)
        #expect(pow["content"] == "1024")
        #expect(pow["isError"] == false)
        #expect(pow["id"] == "c1")
        let cos = try await Self.result(of: Self.call("cos", ["x": 0]), with: tools)
        #expect(cos["result"]?.doubleValue == 1)
        // Arguments sent as JSON text (as some providers do) work too.
        let asText = try await Self.result(of: Self.call("pow", .string(#"{"x": 3, "y": 2}"#)), with: tools)
        #expect(asText["result"]?.doubleValue == 9)
    }

    @Test("example tools: strings in and out, found beside the executable by bare name")
    func exampleToolStrings() async throws {
        let tools = try ToolsPlugin(configuration: Self.exampleTools)
        let greeting = try await Self.result(of: Self.call("greet", ["name": "Ada"]), with: tools)
        #expect(greeting["result"] == "Hello, Ada!")
        #expect(greeting["content"] == "Hello, Ada!")
        let length = try await Self.result(of: Self.call("length", ["text": "héllo"]), with: tools)
        #expect(length["result"] == 5)
    }

    @Test("wrong types, counts and ranges give error results the model can read, never a crash")
    func badArgumentsGiveErrorResults() async throws {
        let logs = LogRecorder()
        let tools = try ToolsPlugin(configuration: Self.exampleTools.merging(Self.mathTools), log: logs.log)
        let wrongType = try await Self.result(of: Self.call("pow", ["x": "two", "y": 10]), with: tools)
        #expect(wrongType["isError"] == true)
        #expect(wrongType["result"] == nil)
        let text = wrongType["content"]?.stringValue ?? ""
        #expect(text.contains("parameter 'x'") && text.contains("string"), "\(text)")

        let missing = try await Self.result(of: Self.call("pow", ["x": 2]), with: tools)
        #expect(missing["content"]?.stringValue?.contains("missing argument 'y'") == true)
        let range = try await Self.result(of: Self.call("add_u8", ["a": 300, "b": 1]), with: tools)
        #expect(range["content"]?.stringValue?.contains("must be in") == true)
        let notJSON = try await Self.result(of: Self.call("pow", .string("{x: 2")), with: tools)
        #expect(notJSON["content"]?.stringValue?.contains("not valid JSON") == true)

        await tools.shutdown()
        #expect(logs.text.contains("4 calls, 4 answered with an error"))
    }

    @Test("an unknown tool gets an error result listing the known tools")
    func unknownTool() async throws {
        let tools = try ToolsPlugin(configuration: Self.mathTools)
        let result = try await Self.result(of: Self.call("sqrt", ["x": 4]), with: tools)
        #expect(result["isError"] == true)
        #expect(result["content"] == "unknown tool 'sqrt'; the known tools are pow, cos")
    }

    @Test("a call without id or name is rejected with an error")
    func malformedCall() async throws {
        let tools = try ToolsPlugin(configuration: Self.mathTools)
        let input = Artifact(type: .toolCall, payload: Data(#"{"name": "pow"}"#.utf8))
        await expectError(containing: ["tools: tool/call", "no string \"id\""]) {
            try await tools.process(input, context: Recorder().context(for: input))
        }
    }

    @Test("create fails naming the tool and the fix: bad signature, unknown symbol, unknown library, unnamed parameters")
    func createFailures() {
        func make(_ spec: ToolSpec, paths: [String]? = nil) throws {
            _ = try ToolsPlugin(configuration: ToolsConfiguration(tools: [spec], libraryPaths: paths), executableDirectory: "/nonexistent/bin")
        }
        expectError(containing: ["config.tools[0] ('pow')", "signature \"double(double x, double y\""]) {
            try make(ToolSpec(name: "pow", library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y"))
        }
        expectError(containing: ["config.tools[0] ('nope')", "symbol 'no_such_function' not found", "nm -D"]) {
            try make(ToolSpec(name: "nope", library: TestLibraries.libm, symbol: "no_such_function", signature: "double(double x)"))
        }
        expectError(containing: ["config.tools[0] ('lost')", "cannot find library 'libnope.so'", "/opt/x/libnope.so: no such file",
            "/nonexistent/bin/libnope.so: no such file", "config.libraryPaths"]) {
            try make(ToolSpec(name: "lost", library: "libnope.so", symbol: "f", signature: "int32()"), paths: ["/opt/x"])
        }
        expectError(containing: ["config.tools[0] ('pow')", "names no parameters"]) {
            try make(ToolSpec(name: "pow", library: TestLibraries.libm, symbol: "pow", signature: "double(double, double)"))
        }
        expectError(containing: ["config.tools[2] ('pow')", "used twice"]) {
            _ = try ToolsPlugin(configuration: ToolsConfiguration(tools: Self.mathTools.tools + [Self.mathTools.tools[0]]))
        }
        expectError(containing: ["config.tools is empty"]) {
            _ = try ToolsPlugin(configuration: ToolsConfiguration(tools: []))
        }
    }

    @Test("libraryPaths are searched for bare names")
    func libraryPaths() async throws {
        let spec = ToolSpec(
            name: "add", library: TestLibraries.exampleToolsFileName, symbol: "manifold_example_add", signature: "double(double a, double b)")
        let tools = try ToolsPlugin(configuration: ToolsConfiguration(tools: [spec], libraryPaths: [TestLibraries.binaryFolder]))
        let result = try await Self.result(of: Self.call("add", ["a": 1.5, "b": 2]), with: tools)
        #expect(result["result"]?.doubleValue == 3.5)
    }

    @Test("tool/list is answered with a tool/catalog of names, descriptions and parameter schemas")
    func catalog() async throws {
        let tools = try ToolsPlugin(configuration: Self.mathTools)
        let list = Artifact(type: ArtifactType.toolList, payload: Data("{}".utf8), correlationID: "conv")
        let out = Recorder()
        try await tools.process(list, context: out.context(for: list))
        let catalog = try #require(out.of(ArtifactType.toolCatalog).first)
        let entries = try #require(json(catalog).arrayValue)
        #expect(entries.map { $0["name"] } == ["pow", "cos"])
        #expect(entries[0]["description"] == "x to the power y")
        #expect(entries[1]["description"] == "Calls the C function cos: double(double x)")
        #expect(entries[0]["parameters"]?["required"] == ["x", "y"])
        #expect(entries[0]["parameters"]?["properties"]?["x"]?["type"] == "number")
        #expect(catalog.correlationID == "conv")
    }
}

extension ToolsConfiguration {
    /// Both configurations' tools.
    func merging(_ other: ToolsConfiguration) -> ToolsConfiguration {
        ToolsConfiguration(tools: tools + other.tools, libraryPaths: libraryPaths)
    }
}
