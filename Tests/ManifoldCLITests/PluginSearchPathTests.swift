import Foundation
import Testing

/// Which folders `manifold` searches for plugins: only those someone named.
@Suite("plugin search path")
struct PluginSearchPathTests {
    /// A folder that looks like an untrusted checkout: `manifests/plugins/planted.json` naming a library.
    private func untrustedCheckout() throws -> String {
        let folder = NSTemporaryDirectory() + "manifold-untrusted-\(UUID().uuidString)"
        let plugins = folder + "/manifests/plugins"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        let manifest = """
            {"manifestVersion": 1, "name": "planted", "kind": "generator", "abi": "2.0", "library": "libplanted.so",
             "inputs": ["text/plain"], "outputs": ["text/plain"]}
            """
        try manifest.write(toFile: plugins + "/planted.json", atomically: true, encoding: .utf8)
        return folder
    }

    @Test func theCurrentFolderIsNeverSearched() async throws {
        let folder = try untrustedCheckout()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await CLI.run(["plugins", "--json", "-v"], environment: ["MANIFOLD_PLUGIN_PATH": ""], directory: folder)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(!result.stdout.contains("planted"), "a manifest under ./manifests/plugins was read")
        #expect(!result.stderr.contains(folder), "the current folder is on the search path: \(result.stderr)")
        #expect(result.stderr.contains("plugin search path, in order:"))
        #expect(result.stderr.contains("(the checkout this manifold was built in)"))
    }

    @Test func verboseRunsPrintEveryFolderWithWhoNamedIt() async throws {
        let extra = NSTemporaryDirectory() + "manifold-extra-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: extra, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: extra) }
        let result = try await CLI.run(["validate", "Examples/pipeline.json", "-v"], environment: ["MANIFOLD_PLUGIN_PATH": extra])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex(of: "plugin search path, in order:"))
        let listed = Array(lines[(start + 1)...].prefix { $0.hasPrefix("  ") })
        #expect(listed.count >= 3, "\(listed)")
        #expect(listed.first?.hasSuffix("(the graph's \"plugins\")") == true, "the graph's folders come first: \(listed)")
        #expect(listed.contains("  \(extra)  (MANIFOLD_PLUGIN_PATH)"), "\(listed)")
        #expect(listed.last?.hasSuffix("(the checkout this manifold was built in)") == true, "\(listed)")
    }

    @Test func aPathGivenOnTheCommandLineIsTheWholeSearchPath() async throws {
        let result = try await CLI.run(["plugins", "--path", "manifests/plugins", "-v"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("plugin search path, in order:\n  manifests/plugins  (--path)\n"), "\(result.stderr)")
    }
}
