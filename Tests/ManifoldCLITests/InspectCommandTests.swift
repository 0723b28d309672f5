import Foundation
import Testing

/// `manifold inspect`, `manifold plugins`, `manifold graph`, `--help`, `--version`.
@Suite("manifold inspect, plugins, graph")
struct InspectCommandTests {
    @Test func inspectALibraryAsText() async throws {
        let library = (CLI.executable as NSString).deletingLastPathComponent + "/libManifoldUppercase.so"
        let result = try await CLI.run(["inspect", library])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("uppercase 1.0.0 (generator)"))
        #expect(result.stdout.contains("inputs:     text/plain"))
        #expect(result.stdout.contains("sha256:"))
        #expect(result.stdout.contains("\"suffix\""))
    }

    @Test func inspectALibraryOfSeveralPluginsListsEach() async throws {
        let library = (CLI.executable as NSString).deletingLastPathComponent + "/libManifoldMiddleware.so"
        let text = try await CLI.run(["inspect", library])
        #expect(text.status == 0, "stderr: \(text.stderr)")
        for name in ["retry", "timeout", "rate-limit", "redact", "schema"] {
            #expect(text.stdout.contains("\(name) 1.0.0 (middleware)"), "\(name) missing: \(text.stdout)")
        }
        #expect(text.stdout.contains("extensions: none"))
        let json = try await CLI.run(["inspect", library, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["abi"] as? String == "2.0")
        let plugins = try #require(object["plugins"] as? [[String: Any]])
        #expect(plugins.compactMap { $0["name"] as? String } == ["retry", "timeout", "rate-limit", "redact", "schema"])
        #expect(plugins.allSatisfy { ($0["extensions"] as? [String]) == [] })
    }

    @Test func aManifestFromALibraryOfSeveralNeedsAPluginName() async throws {
        let library = (CLI.executable as NSString).deletingLastPathComponent + "/libManifoldMiddleware.so"
        let ambiguous = try await CLI.run(["inspect", "--manifest", library])
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr.contains("holds 5 plugins"))
        #expect(ambiguous.stderr.contains("--plugin NAME"))
        let chosen = try await CLI.run(["inspect", "--manifest", "--plugin", "retry", library])
        #expect(chosen.status == 0, "stderr: \(chosen.stderr)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(chosen.stdout.utf8)) as? [String: Any])
        #expect(manifest["name"] as? String == "retry")
        #expect(manifest["library"] as? String == "libManifoldMiddleware.so")
        let unknown = try await CLI.run(["inspect", "--plugin", "nope", library])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("holds no plugin named 'nope'; it holds: retry, timeout"))
    }

    @Test func inspectAManifestAsJSON() async throws {
        let result = try await CLI.run(["inspect", "manifests/plugins/echo.json", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "echo")
        #expect(object["kind"] as? String == "generator")
        #expect(object["abi"] as? String == "2.0")
        #expect((object["sha256"] as? String)?.count == 64)
        #expect(object["inputs"] as? [String] == ["text/*", "chat/message"])
    }

    @Test func inspectSomethingBroken() async throws {
        let folder = NSTemporaryDirectory() + "manifold-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "not a library".write(toFile: folder + "/libfake.so", atomically: true, encoding: .utf8)
        let result = try await CLI.run(["inspect", folder + "/libfake.so"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not an ELF shared library"))
        #expect(result.stderr.contains("fix:"))
    }

    @Test func pluginsListsTheBundledOnes() async throws {
        let result = try await CLI.run(["plugins", "--path", "manifests/plugins"])
        for name in ["echo", "uppercase", "log", "filter"] {
            #expect(result.stdout.contains("ok      \(name) "), "\(name) missing: \(result.stdout)")
        }
    }

    @Test func pluginsMarksBrokenOnesWithTheReason() async throws {
        let folder = NSTemporaryDirectory() + "manifold-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        { "manifestVersion": 1, "name": "ghost", "version": "1.0.0", "abi": "2.0", "kind": "generator",
          "library": "libghost.so", "inputs": ["text/plain"], "outputs": ["text/plain"] }
        """.write(toFile: folder + "/ghost.json", atomically: true, encoding: .utf8)
        let result = try await CLI.run(["plugins", "--path", folder])
        #expect(result.status == 1)
        #expect(result.stdout.contains("BROKEN"))
        #expect(result.stdout.contains("libghost.so"))
    }

    @Test func graphAsDotAndMermaid() async throws {
        let dot = try await CLI.run(["graph", "Examples/fan-out.json", "--format", "dot"])
        #expect(dot.status == 0, "stderr: \(dot.stderr)")
        #expect(dot.stdout.hasPrefix("digraph"))
        #expect(dot.stdout.contains("\"node:loud\" -> \"node:collect\""))
        #expect(dot.stdout.contains("results.loud"))
        let mermaid = try await CLI.run(["graph", "Examples/pipeline.json", "--format", "mermaid"])
        #expect(mermaid.status == 0, "stderr: \(mermaid.stderr)")
        #expect(mermaid.stdout.hasPrefix("flowchart LR"))
        #expect(mermaid.stdout.contains("node_shout -->"))
    }

    @Test func helpAndVersion() async throws {
        let help = try await CLI.run(["run", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:"))
        let version = try await CLI.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.contains("plugin ABI 2.0"))
    }

    @Test func unknownLogLevelIsRefused() async throws {
        let result = try await CLI.run(["plugins", "--log-level", "loud"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("unknown --log-level 'loud'"))
    }
}
