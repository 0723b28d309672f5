import Foundation
import Testing

/// What a plugin author meets in the first hour: a compiled schema the host cannot apply,
/// graphs kept beside plugins, the `sha256` pin during development, the config a node
/// without one receives, and a manifest whose description drifted from the library.
@Suite("plugin author's first hour")
struct PluginAuthorTests {
    /// A schema with a misspelt keyword, as a C string literal.
    static let misspeltSchema = #""{\"type\": \"object\", \"propertees\": {\"a\": {\"type\": \"string\"}}}""#

    @Test func inspectingALibraryChecksItsCompiledSchema() async throws {
        let folder = try await TestCPlugin.build(
            name: "typo", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));",
            configSchema: Self.misspeltSchema)
        let library = folder + "/libtypo.so"
        for arguments in [["inspect", library], ["inspect", "--manifest", library], ["inspect", "--check", folder + "/typo.json"]] {
            let result = try await CLI.run(arguments)
            #expect(result.status == 1, "\(arguments): stdout \(result.stdout)")
            #expect(result.stderr.contains("unknown keyword 'propertees'"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("correct config_schema in the plugin's source and rebuild the library"), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("correct the manifest"), "\(arguments): \(result.stderr)")
        }
        let listed = try await CLI.run(["plugins", "--path", folder, "--check"])
        #expect(listed.status == 1)
        #expect(listed.stdout.contains("BROKEN"), "\(listed.stdout)")
        #expect(listed.stdout.contains("unknown keyword 'propertees'"), "\(listed.stdout)")
        #expect(listed.stdout.contains("correct config_schema in the plugin's source"), "\(listed.stdout)")
    }

    @Test func aBadSchemaInAManifestIsTheManifestsToFix() async throws {
        let folder = try await TestCPlugin.build(
            name: "plain", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));")
        let manifest = folder + "/plain.json"
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifest))) as? [String: Any])
        object["configSchema"] = ["type": "object", "unevaluatedProperties": false]
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: manifest))
        let result = try await CLI.run(["inspect", manifest])
        #expect(result.status == 1)
        #expect(result.stderr.contains("$.configSchema"), "\(result.stderr)")
        #expect(result.stderr.contains("unevaluatedProperties"), "\(result.stderr)")
        #expect(result.stderr.contains("correct the manifest"), "\(result.stderr)")
    }

    @Test func aGraphInAPluginFolderIsNeitherBrokenNorAShadow() async throws {
        let folder = try await TestCPlugin.build(
            name: "hello",
            process: """
                manifold_artifact output;
                memset(&output, 0, sizeof output);
                output.struct_size = sizeof output;
                output.type = manifold_str_from_cstr("text/plain");
                output.payload.data = (const uint8_t *)"hi";
                output.payload.length = 2;
                call->complete(call->context, call->emit(call->context, &output), manifold_str_from_cstr(NULL));
                """)
        // Sorted before the manifest, and named like the plugin: it used to be found first.
        let graph = folder + "/a-hello.json"
        try """
            {"manifold": 1, "name": "hello", "plugins": ["."],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"greet": {"plugin": "hello", "subscribe": ["in"], "output": "out"}}}
            """.write(toFile: graph, atomically: true, encoding: .utf8)
        try #"{"not": "a manifest"}"#.write(toFile: folder + "/settings.json", atomically: true, encoding: .utf8)
        let listed = try await CLI.run(["plugins", "--path", folder])
        #expect(listed.status == 0, "\(listed.stdout)\(listed.stderr)")
        #expect(listed.stdout.contains("1 plugin(s), 0 broken"), "\(listed.stdout)")
        #expect(!listed.stdout.contains("BROKEN"))
        let run = try await CLI.run(["run", graph, "--input", "x"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout == "hi\n")
        // A manifest with a syntax error is still reported, not skipped.
        try #"{"manifestVersion": 1, "name": "oops",,}"#.write(toFile: folder + "/oops.json", atomically: true, encoding: .utf8)
        let broken = try await CLI.run(["plugins", "--path", folder])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("BROKEN  \(folder)/oops.json"), "\(broken.stdout)")
    }

    @Test func anUnknownPluginHintNamesThePluginPathVariable() async throws {
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "missing", "plugins": ["$PLUGINS"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"n": {"plugin": "no-such-plugin", "subscribe": ["in"], "output": "out"}}}
            """)
        let result = try await CLI.run(["validate", graph])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no plugin named 'no-such-plugin'"), "\(result.stderr)")
        #expect(result.stderr.contains("MANIFOLD_PLUGIN_PATH"), "\(result.stderr)")
    }

    @Test func anUnpinnedManifestSurvivesARebuild() async throws {
        let process = "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));"
        let folder = try await TestCPlugin.build(name: "dev", process: process)
        let library = folder + "/libdev.so"
        let pinned = try await CLI.run(["inspect", "--manifest", library])
        #expect(pinned.status == 0, "stderr: \(pinned.stderr)")
        #expect(pinned.stdout.contains("\"sha256\""))
        let unpinned = try await CLI.run(["inspect", "--manifest", "--no-pin", library])
        #expect(unpinned.status == 0, "stderr: \(unpinned.stderr)")
        #expect(!unpinned.stdout.contains("sha256"), "\(unpinned.stdout)")
        let misuse = try await CLI.run(["inspect", "--no-pin", library])
        #expect(misuse.status == 64)
        #expect(misuse.stderr.contains("use it with --manifest"), "\(misuse.stderr)")

        // Rebuild the library with other code, as a developer does.
        let rebuilt = try await TestCPlugin.build(
            name: "dev", process: process, extraSource: #"__attribute__((used)) static const char rebuilt[] = "a change";"#)
        #expect(FileManager.default.contents(atPath: rebuilt + "/libdev.so") != FileManager.default.contents(atPath: library))
        try FileManager.default.removeItem(atPath: library)
        try FileManager.default.copyItem(atPath: rebuilt + "/libdev.so", toPath: library)
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "dev", "plugins": ["\(folder)"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"n": {"plugin": "dev", "subscribe": ["in"], "output": "out"}}}
            """)
        try pinned.stdout.write(toFile: folder + "/dev.json", atomically: true, encoding: .utf8)
        let stale = try await CLI.run(["run", graph, "--input", "x"])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("SHA-256"), "\(stale.stderr)")
        try unpinned.stdout.write(toFile: folder + "/dev.json", atomically: true, encoding: .utf8)
        let fresh = try await CLI.run(["run", graph, "--input", "x"])
        #expect(fresh.status == 0, "stderr: \(fresh.stderr)")
    }

    @Test func aNodeWithoutConfigReceivesAnEmptyObject() async throws {
        let folder = try await TestCPlugin.build(
            name: "configecho",
            process: """
                const char *text = instance;
                manifold_artifact output;
                memset(&output, 0, sizeof output);
                output.struct_size = sizeof output;
                output.type = manifold_str_from_cstr("text/plain");
                output.payload.data = (const uint8_t *)text;
                output.payload.length = strlen(text);
                call->complete(call->context, call->emit(call->context, &output), manifold_str_from_cstr(NULL));
                """,
            create: """
                char *copy = malloc(config.length + 1);
                if (config.length > 0) memcpy(copy, config.data, config.length);
                copy[config.length] = 0;
                *out = copy;
                return MANIFOLD_OK;
                """)
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "config", "plugins": ["\(folder)"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"bare": {"plugin": "configecho", "subscribe": ["in"], "output": "out"}}}
            """)
        let result = try await CLI.run(["run", graph, "--input", "x"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        // As manifold/plugin.h promises.
        #expect(result.stdout == "{}\n")
    }

    @Test func aDescriptionThatDisagreesWithTheLibraryIsRefused() async throws {
        let folder = try await TestCPlugin.build(
            name: "described", process: "call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));")
        let manifest = folder + "/described.json"
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifest))) as? [String: Any])
        object["description"] = "Says hello."
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: manifest))
        let result = try await CLI.run(["inspect", "--check", manifest])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the library disagrees with its manifest"), "\(result.stderr)")
        #expect(result.stderr.contains(#"description: manifest says "Says hello.", library says nothing"#), "\(result.stderr)")
        #expect(result.stderr.contains("inspect --manifest"), "\(result.stderr)")
    }
}
