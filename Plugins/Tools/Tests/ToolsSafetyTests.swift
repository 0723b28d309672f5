import Foundation
import Manifold
import ManifoldJSON
import ManifoldToolsKit
import ManifoldPluginTestSupport
import Testing

/// Dangerous C functions load only with `"unsafe": true`, and the config schema (what
/// `manifold validate` reads) says the same as the plugin.
@Suite("tools: dangerous symbols")
struct ToolsSafetyTests {
    static let libc = "libc.so.6"

    static func spec(_ symbol: String, name: String = "danger", signature: String = "int32(string command)", unsafe: Bool? = nil) -> ToolSpec {
        ToolSpec(name: name, library: libc, symbol: symbol, signature: signature, unsafe: unsafe)
    }

    static let schema: JSONSchema = {
        // The schema is a constant of the plugin; a failure here fails every test that reads it.
        try! JSONSchema(ToolsPlugin.info.configSchema ?? .null)
    }()

    @Test(
        "a dangerous symbol without unsafe: true is refused at create, naming the tool, the symbol, the JSON path and the fix",
        arguments: [
            ("system", "processes"), ("execve", "processes"), ("exit", "processes"), ("unlink", "files"), ("rename", "files"),
            ("getenv", "environment"), ("setenv", "environment"), ("memcpy", "memory"), ("free", "memory"),
            ("dlopen", "code loading"), ("kill", "signals"), ("close", "descriptors"), ("chdir", "process identity"),
        ])
    func refusedWithoutUnsafe(_ symbol: String, _ group: String) {
        for unsafe in [nil, false] as [Bool?] {
            expectError(containing: [
                "config.tools[1] ('danger')", "symbol '\(symbol)'", "group '\(group)'", "config.tools[1].unsafe",
                "\"unsafe\": true", "the model may run at any time with any arguments", "or choose another function",
            ]) {
                _ = try ToolsPlugin(configuration: ToolsConfiguration(tools: [
                    ToolSpec(name: "pow", library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)"),
                    Self.spec(symbol, unsafe: unsafe),
                ]))
            }
        }
    }

    @Test("glibc's other spellings of a dangerous function are refused too", arguments: [
        "__libc_system", "__fork", "_exit", "_Exit", "__secure_getenv", "__memcpy_chk", "__open64_2", "open64", "mmap64",
        "__open_nocancel", "__libc_free",
    ])
    func aliasesAreRefused(_ symbol: String) {
        #expect(DangerousSymbols.group(of: symbol) != nil)
        expectError(containing: ["symbol '\(symbol)'", "config.tools[0].unsafe"]) {
            _ = try ToolsPlugin(configuration: ToolsConfiguration(tools: [Self.spec(symbol)]))
        }
    }

    @Test("ordinary functions are on no list, including names that only start like a listed one", arguments: [
        "pow", "strlen", "cos", "abs", "sleep", "open_memstream", "freelocale", "exit_handler", "systemd_x", "killpg_x",
        "manifold_example_factorial", "getenvx", "mem", "readdir",
    ])
    func ordinaryFunctionsPass(_ symbol: String) {
        #expect(DangerousSymbols.group(of: symbol) == nil)
        #expect(Self.schema.accepts(["tools": [["name": "t", "library": "l", "symbol": .string(symbol), "signature": "int32()"]]]))
    }

    @Test("with unsafe: true the tool loads, works, and its grant is logged as a warning")
    func unsafeLoadsAndWarns() async throws {
        let logs = LogRecorder()
        let variable = "MANIFOLD_TOOLS_SAFETY_TEST"
        setenv(variable, "visible to the model", 1)
        let tools = try ToolsPlugin(
            configuration: ToolsConfiguration(tools: [
                ToolSpec(name: "env", library: Self.libc, symbol: "getenv", signature: "string(string name)", unsafe: true)
            ]),
            log: logs.log)
        #expect(logs.text.contains("tool 'env' (config.tools[0]) calls 'getenv', which can read or change the host's environment variables"))
        #expect(logs.text.contains("\"unsafe\": true"))
        let result = try await ToolsTests.result(of: ToolsTests.call("env", ["name": .string(variable)]), with: tools)
        #expect(result["result"] == "visible to the model")
        await tools.shutdown()
    }

    @Test("unsafe: true on an ordinary function is allowed (and still a warning for validate)")
    func unsafeOnOrdinaryFunction() throws {
        let logs = LogRecorder()
        _ = try ToolsPlugin(
            configuration: ToolsConfiguration(tools: [
                ToolSpec(name: "pow", library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)", unsafe: true)
            ]),
            log: logs.log)
        #expect(logs.text.isEmpty, "only dangerous grants are logged at create: \(logs.text)")
        let config: JSONValue = ["tools": [["name": "pow", "library": "libm.so.6", "symbol": "pow", "signature": "double(double x)", "unsafe": true]]]
        #expect(Self.schema.accepts(config))
        #expect(Self.schema.warnings(for: config).map(\.path) == ["$.tools[0].unsafe"])
    }

    // MARK: The schema agrees with the plugin

    @Test("the config schema refuses exactly what the plugin refuses, with a message naming the tool and the symbol")
    func schemaAgreesWithPlugin() {
        for group in DangerousSymbols.groups {
            for symbol in group.symbols + group.symbols.flatMap({ ["__\($0)", "__libc_\($0)", "\($0)64", "__\($0)_chk"] }) {
                #expect(DangerousSymbols.group(of: symbol)?.name == group.name, "\(symbol)")
                let tool: JSONValue = ["name": "t", "library": "libc.so.6", "symbol": .string(symbol), "signature": "int32()"]
                let violations = Self.schema.validate(["tools": [tool]])
                #expect(violations.count == 1, "\(symbol): \(violations)")
                #expect(violations.first?.path == "$.tools[0]")
                #expect(violations.first?.keyword == SchemaKeyword.message)
                #expect(violations.first?.message.hasPrefix("tool 't' calls '\(symbol)', which can \(group.risk);") == true, "\(violations)")
                #expect(violations.first?.message.contains("add \"unsafe\": true to the tool") == true)

                var granted = tool
                if case .object(var members) = granted {
                    members["unsafe"] = true
                    granted = .object(members)
                }
                #expect(Self.schema.accepts(["tools": [granted]]), "\(symbol) with unsafe: true")
                #expect(Self.schema.warnings(for: ["tools": [tool, granted]]).map(\.path) == ["$.tools[1].unsafe"])
            }
        }
    }

    @Test("unsafe: false does not grant anything, and a wrong type is caught")
    func unsafeMustBeTrue() {
        let explicitFalse: JSONValue = ["tools": [["name": "t", "library": "l", "symbol": "system", "signature": "int32()", "unsafe": false]]]
        #expect(Self.schema.validate(explicitFalse).map(\.keyword) == [SchemaKeyword.message])
        #expect(Self.schema.warnings(for: explicitFalse).isEmpty)
        let text: JSONValue = ["tools": [["name": "t", "library": "l", "symbol": "pow", "signature": "int32()", "unsafe": "yes"]]]
        #expect(Self.schema.validate(text).map(\.path) == ["$.tools[0].unsafe"])
        #expect(Self.schema.warnings(for: text).isEmpty, "an invalid value gives an error, not a warning")
    }

    @Test("every listed name is in one group only, and is a C identifier")
    func groupsAreDisjoint() {
        let all = DangerousSymbols.groups.flatMap(\.symbols)
        #expect(Set(all).count == all.count, "listed twice: \(Dictionary(grouping: all, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
        #expect(all.allSatisfy { $0.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) } })
        #expect(DangerousSymbols.groups.allSatisfy { !$0.risk.isEmpty && !$0.symbols.isEmpty })
    }
}
