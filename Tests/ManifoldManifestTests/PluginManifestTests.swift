import Foundation
import Manifold
import ManifoldJSON
import ManifoldManifest
import Testing

@Suite("Plugin manifests")
struct PluginManifestTests {
    @Test func parsesEveryField() throws {
        let digest = String(repeating: "AB", count: 32)
        let manifest = try PluginManifest.parse(Support.pluginJSON(["sha256": .string(digest), "inputs": ["text/plain", "chat/message"]]), file: "x.json")
        #expect(manifest.name == "uppercase")
        #expect(manifest.version == "1.0.0")
        #expect(manifest.abi == PluginManifest.ABI(major: 1, minor: 0))
        #expect(manifest.kind == .generator)
        #expect(manifest.library == "libManifoldUppercase.so")
        #expect(manifest.description == "Uppercases text.")
        #expect(manifest.inputs == [.plainText, .chatMessage])
        #expect(manifest.outputs == [.plainText])
        #expect(manifest.sha256 == digest.lowercased())
        #expect(manifest.file == "x.json")
        #expect(manifest.manifestVersion == 1)
        #expect(manifest.configSchema?["type"] == "object")
        #expect(manifest.parsedConfigSchema != nil)
        #expect(manifest.libraryPath == "./libManifoldUppercase.so")
    }

    @Test func optionalKeysMayBeLeftOut() throws {
        let manifest = try PluginManifest.parse(Support.pluginJSON(["description": nil, "configSchema": nil]), file: "x.json")
        #expect(manifest.description == nil)
        #expect(manifest.configSchema == nil)
        #expect(manifest.sha256 == nil)
        #expect(manifest.validate(config: ["anything": 1]).isEmpty)
    }

    @Test func validatesConfigsAgainstItsSchema() throws {
        let manifest = try PluginManifest.parse(Support.pluginJSON(), file: "x.json")
        #expect(manifest.validate(config: ["suffix": "!"]).isEmpty)
        #expect(manifest.validate(config: ["sufix": "!"]).lines == ["$.sufix: unknown property 'sufix' (allowed: suffix); did you mean 'suffix'?"])
        #expect(manifest.validate(config: ["suffix": "sk-1"], redacting: ["$.suffix"]).isEmpty)
        #expect(manifest.validate(config: ["suffix": 1], redacting: ["$.suffix"]).lines == ["$.suffix: expected string, got integer ***"])
    }

    @Test func bundledPluginManifestsLoad() throws {
        let folder = Support.repositoryRoot + "/manifests/plugins"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        #expect(!files.isEmpty)
        for file in files {
            let manifest = try PluginManifest.load(from: folder + "/" + file)
            #expect(manifest.name + ".json" == file)
            #expect(manifest.libraryPath.hasPrefix(folder + "/lib"))
        }
    }

    @Test func collectsEveryErrorInOnePass() {
        let json = Support.pluginJSON([
            "manifestVersion": 2, "name": "Upper Case", "version": "one", "abi": "1", "kind": "generater", "library": "",
            "inputs": ["text/plain", "text"], "ouputs": ["text/plain"], "outputs": nil, "sha256": "abc",
            "configSchema": ["type": "object", "properties": ["level": ["type": "strng"]]],
        ])
        let errors = Support.errors { () throws(ManifestErrors) in try PluginManifest.parse(json, file: "manifests/plugins/x.json") }
        #expect(errors.lines == [
            "$.abi: ABI version \"1\" is not MAJOR.MINOR",
            "$.configSchema.properties.level.type: invalid JSON Schema: unknown type \"strng\"; did you mean \"string\"? (types: null, boolean, object, array, number, string, integer)",
            "$.inputs[1]: artifact type \"text\" has no '/' after 'text' (column 5); expected type/subtype, e.g. text/plain or text/*",
            "$.kind: unknown plugin kind \"generater\"",
            "$.library: must not be empty",
            "$.manifestVersion: manifest version 2 is not supported; this Manifold reads version 1",
            "$.name: plugin name \"Upper Case\" is invalid: use lowercase letters, digits, '-', '_' and '.', starting with a letter or digit",
            "$.ouputs: unknown key 'ouputs'",
            "$.outputs: missing required key 'outputs'",
            "$.sha256: sha256 must be 64 hexadecimal digits, got 3 characters",
            "$.version: version \"one\" is not a semantic version",
        ])
        #expect(errors.allSatisfy { $0.file == "manifests/plugins/x.json" })
    }

    @Test func descriptionsAreOneLineWithTheFix() {
        let errors = Support.errors { () throws(ManifestErrors) in
            try PluginManifest.parse(Support.pluginJSON(["kind": "generater", "ouputs": ["text/plain"], "outputs": nil]), file: "manifests/plugins/x.json")
        }
        #expect(errors.map(\.description) == [
            "manifests/plugins/x.json: $.kind: unknown plugin kind \"generater\"; use \"generator\" or \"middleware\"",
            "manifests/plugins/x.json: $.ouputs: unknown key 'ouputs'; did you mean 'outputs'?",
            "manifests/plugins/x.json: $.outputs: missing required key 'outputs'; add \"outputs\": [\"text/plain\"]",
        ])
    }

    @Test func unknownKeyWithoutCloseMatchListsAllowedKeys() {
        let errors = Support.errors { () throws(ManifestErrors) in try PluginManifest.parse(Support.pluginJSON(["zzz": 1]), file: "x.json") }
        #expect(errors.count == 1)
        #expect(errors.first?.fix == "remove it; allowed keys here: $schema, manifestVersion, name, version, abi, kind, library, description, inputs, outputs, configSchema, sha256, runtime, extensions, concurrent")
    }

    @Test func runtimeAndExtensionsAreReadAndChecked() {
        let manifest = try? PluginManifest.parse(Support.pluginJSON(["extensions": ["manifold.state", "manifold.source"]]), file: "x.json")
        #expect(manifest?.runtime == .native)
        #expect(manifest?.extensions == ["manifold.source", "manifold.state"])
        #expect(manifest?.isSource == true)
        let errors = Support.errors { () throws(ManifestErrors) in
            try PluginManifest.parse(Support.pluginJSON(["runtime": "wasm", "extensions": ["manifold.nope"]]), file: "x.json")
        }
        #expect(errors.map(\.jsonPath) == ["$.extensions[0]", "$.runtime"])
        #expect(errors.first?.message.contains("unknown extension \"manifold.nope\"") == true)
        #expect(errors.last?.fix?.contains("\"native\"") == true)
    }

    @Test func wrongTypesAndEmptyTypeLists() {
        let json = Support.pluginJSON(["abi": 1.0, "library": 3, "inputs": [], "outputs": ["text/plain", 7], "configSchema": "object", "description": false])
        let errors = Support.errors { () throws(ManifestErrors) in try PluginManifest.parse(json, file: "x.json") }
        #expect(errors.lines == [
            "$.abi: expected a string \"MAJOR.MINOR\", got number 1",
            "$.configSchema: expected a JSON Schema (an object), got string \"object\"",
            "$.description: expected a string, got boolean false",
            "$.inputs: declares no types",
            "$.library: expected a string, got integer 3",
            "$.outputs[1]: expected a string, got integer 7",
        ])
    }

    @Test func everyRequiredKeyIsReportedWhenMissing() {
        let errors = Support.errors { () throws(ManifestErrors) in try PluginManifest.parse([:], file: "x.json") }
        #expect(errors.lines == [
            "$.abi: missing required key 'abi'", "$.inputs: missing required key 'inputs'", "$.kind: missing required key 'kind'",
            "$.library: missing required key 'library'", "$.manifestVersion: missing required key 'manifestVersion'",
            "$.name: missing required key 'name'", "$.outputs: missing required key 'outputs'", "$.version: missing required key 'version'",
        ])
        let notAnObject = Support.errors { () throws(ManifestErrors) in try PluginManifest.parse([1], file: "x.json") }
        #expect(notAnObject.lines == ["$: expected the plugin manifest as a JSON object, got array of 1 item"])
    }

    @Test func versionsAndNames() throws {
        for version in ["1.0", "1.2.3", "0.1.0-beta.1", "2.0.0+build.5", "10.20.30-rc-1+x"] {
            _ = try PluginManifest.parse(Support.pluginJSON(["version": .string(version)]), file: "x.json")
        }
        for version in ["1", "1.2.3.4", "01.0", "1.x", "1.0-", "v1.0"] {
            #expect(Support.errors { () throws(ManifestErrors) in try PluginManifest.parse(Support.pluginJSON(["version": .string(version)]), file: "x.json") }.count == 1, "\(version)")
        }
        for name in ["a", "my-plugin_2.x", "0day"] {
            _ = try PluginManifest.parse(Support.pluginJSON(["name": .string(name)]), file: "x.json")
        }
        for name in ["-a", "A", "my plugin", ".x", ""] {
            #expect(Support.errors { () throws(ManifestErrors) in try PluginManifest.parse(Support.pluginJSON(["name": .string(name)]), file: "x.json") }.count == 1, "\(name)")
        }
        let abi = try PluginManifest.parse(Support.pluginJSON(["abi": "2.13", "kind": "middleware"]), file: "x.json")
        #expect(abi.abi.description == "2.13")
        #expect(abi.kind == .middleware)
    }

    @Test func syntaxErrorsHaveLineAndColumn() {
        let text = "{\n  \"name\": \"x\",\n  \"kind\": generator\n}"
        let errors = Support.errors { () throws(ManifestErrors) in try PluginManifest.parse(data: Data(text.utf8), file: "x.json") }
        #expect(errors.map(\.description) == [
            "x.json: $: invalid JSON at line 3, column 11: unexpected 'generator'; expected a value (a string in double quotes, a number, true, false, null, an array or an object); correct the JSON syntax (no comments, no trailing commas, keys and strings in double quotes)"
        ])
    }

    @Test func duplicateKeysAreErrors() {
        let text = """
            {"manifestVersion": 1, "name": "a", "version": "1.0.0", "abi": "1.0", "kind": "generator",
             "library": "liba.so", "inputs": ["text/plain"], "outputs": ["text/plain"],
             "name": "b"}
            """
        let errors = Support.errors { () throws(ManifestErrors) in try PluginManifest.parse(data: Data(text.utf8), file: "x.json") }
        #expect(errors.lines == ["$.name: key 'name' is written twice in the same object (lines 1 and 3)"])
    }

    @Test func filesThatAreMissingOrNotFiles() throws {
        let missing = Support.errors { () throws(ManifestErrors) in try PluginManifest.load(from: "/nonexistent/plugin.json") }
        #expect(missing.map(\.description).first?.hasPrefix("/nonexistent/plugin.json: $: cannot read the plugin manifest: no such file; check the path") == true)
        let folder = try Support.temporaryFolder()
        defer { Support.remove(folder) }
        let directory = Support.errors { () throws(ManifestErrors) in try PluginManifest.load(from: folder) }
        #expect(directory.lines == ["$: cannot read the plugin manifest: it is a directory"])
        try Support.write(String(decoding: Support.pluginJSON().serialized(pretty: true), as: UTF8.self), to: folder + "/ok.json")
        #expect(try PluginManifest.load(from: folder + "/ok.json").file == folder + "/ok.json")
    }
}

@Suite("Manifest errors")
struct ManifestErrorTests {
    @Test func sortedByFileThenPathWithNumericIndicesAndDeduplicated() {
        let make = { (file: String, path: String, message: String) in ManifestError(file: file, jsonPath: path, message: message) }
        let errors = ManifestErrors([
            make("b.json", "$", "z"), make("a.json", "$.inputs[10]", "m"), make("a.json", "$.inputs[2]", "m"),
            make("a.json", "$.inputs[2]", "m"), make("a.json", "$", "x"), make("a.json", "$.abi", "y"),
        ])
        #expect(errors.errors.map { "\($0.file) \($0.jsonPath)" } == ["a.json $", "a.json $.abi", "a.json $.inputs[2]", "a.json $.inputs[10]", "b.json $"])
        #expect(errors.description.split(separator: "\n").count == 5)
        #expect(ManifestError(file: "f", jsonPath: "$.a", message: "m", fix: "do this").description == "f: $.a: m; do this")
        #expect(ManifestError(file: "f", jsonPath: "$.a", message: "m").description == "f: $.a: m")
    }
}

@Suite("Strict JSON reading")
struct SourceJSONTests {
    func syntaxError(_ text: String) -> String? {
        let errors = Support.errors { () throws(ManifestErrors) in try PluginManifest.parse(data: Data(text.utf8), file: "x.json") }
        return errors.first.map { $0.message }
    }

    @Test func positionsAndProblems() {
        #expect(syntaxError("{\"a\": 1,}") == "invalid JSON at line 1, column 9: expected a key after ',' (JSON does not allow a trailing comma)")
        #expect(syntaxError("[1, 2,]") == "invalid JSON at line 1, column 7: expected a value after ',' (JSON does not allow a trailing comma)")
        #expect(syntaxError("") == "invalid JSON at line 1, column 1: unexpected end of file; expected a value")
        #expect(syntaxError("{} x") == "invalid JSON at line 1, column 4: unexpected character 'x' after the end of the JSON value; a file holds one value")
        #expect(syntaxError("{\n // c\n}") == "invalid JSON at line 2, column 2: unexpected character '/'; expected a key in double quotes")
        #expect(syntaxError("{\"a\" 1}") == "invalid JSON at line 1, column 6: unexpected character '1'; expected ':' after the key \"a\"")
        #expect(syntaxError("{\"a\": \"é\" \"b\"}") == "invalid JSON at line 1, column 11: unexpected character '\"'; expected ',' or '}' after the value of \"a\"")
        #expect(syntaxError("{\"a\": \"x") == "invalid JSON at line 1, column 7: unterminated string; add the closing '\"'")
        #expect(syntaxError("[01]") == "invalid JSON at line 1, column 3: invalid number: JSON numbers have no leading zeros")
        #expect(syntaxError("[\"\\q\"]") == "invalid JSON at line 1, column 3: invalid escape '\\q' in a string; use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX")
        #expect(syntaxError("[\"a\nb\"]") == "invalid JSON at line 1, column 4: unescaped control character in a string; write it as an escape such as \\n")
        #expect(syntaxError("[1e999]") == "invalid JSON at line 1, column 2: number 1e999 is out of range")
        #expect(syntaxError(String(repeating: "[", count: 300)) == "invalid JSON at line 1, column 257: nesting deeper than 256 levels")
    }

    @Test func valuesDecodeLikeJSONValue() throws {
        let text = #"{"s": "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude42", "i": -12, "d": 1.5e2, "b": [true, false, null], "big": 99999999999999999999}"#
        let graph = try GraphManifest.parse(
            data: Data(#"{"manifold": 1, "name": "g", "nodes": {"n": {"plugin": "p", "subscribe": ["t"], "config": \#(text)}}}"#.utf8),
            file: "g.json")
        let config = try #require(graph.nodes.first?.config)
        #expect(config["s"] == .string("a\"\\/\u{8}\u{c}\n\r\té🙂"))
        #expect(config["i"] == .integer(-12))
        #expect(config["d"] == .number(150))
        #expect(config["b"] == [true, false, nil])
        #expect(config["big"] == .number(1e20))
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let data = Data([0xEF, 0xBB, 0xBF]) + Support.pluginJSON().serialized()
        #expect(try PluginManifest.parse(data: data, file: "x.json").name == "uppercase")
        #expect(syntaxError(String(decoding: [0x7B, 0xFF, 0x7D], as: UTF8.self)) != nil)
    }
}
