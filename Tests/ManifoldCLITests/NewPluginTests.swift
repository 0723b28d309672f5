import Foundation
import Testing

/// `manifold new-plugin` writes packages that build, validate and run from a folder outside
/// the repository, in one command each.
@Suite("new-plugin")
struct NewPluginTests {
    /// A new empty folder outside the repository, as a plugin author would start in.
    private static func emptyFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "manifold-new-plugin-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return folder
    }

    /// Runs the generated `./build.sh test` with this build's `manifold`; a Swift package's
    /// first build compiles the SDK, so the limit is far above the CLI's.
    private static func buildAndTest(_ folder: String) async throws -> ChildProcess.Finished {
        let child = try await ChildProcess.launch(
            executable: "/bin/sh", arguments: ["./build.sh", "test"], directory: folder, environment: ["MANIFOLD": CLI.executable])
        try child.input.fileHandleForWriting.close()
        let finished = await child.collect(timeLimit: .seconds(1200))
        #expect(!finished.timedOut, "build.sh test did not finish within 20 minutes")
        return finished
    }

    /// A graph outside the plugin's folder that finds the plugin only through MANIFOLD_PLUGIN_PATH.
    private static func graphUsing(_ plugin: String, in folder: String) throws -> String {
        let path = folder + "/graph.json"
        try """
            {"manifold": 1, "name": "uses-\(plugin)",
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"flip": {"plugin": "\(plugin)", "subscribe": ["in"], "output": "out"}}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Generates `name` in `language` in a new folder, builds and tests it with its own
    /// command, then runs it from another graph through MANIFOLD_PLUGIN_PATH.
    private func generateBuildAndRun(_ name: String, language: String, input: String, expected: String) async throws {
        let workspace = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let generated = try await CLI.run(["new-plugin", name, "--lang", language], directory: workspace)
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.contains("cd \(name) && ./build.sh test"))
        let folder = workspace + "/" + name

        let built = try await Self.buildAndTest(folder)
        #expect(built.status == 0, "build.sh test failed:\n\(built.stdout)\n\(built.stderr)")
        #expect(built.stdout.contains("ok: example.json turned 'hello' into 'olleh'"), "\(built.stdout)")

        let graph = try Self.graphUsing(name, in: workspace)
        let environment = ["MANIFOLD_PLUGIN_PATH": folder + "/plugins"]
        let validated = try await CLI.run(["validate", graph], environment: environment, directory: workspace)
        #expect(validated.status == 0, "\(validated.stderr)")
        let ran = try await CLI.run(["run", graph, "--input", input], environment: environment, directory: workspace)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout == expected + "\n")
    }

    @Test("a C plugin: generated, built with build.sh, validated and run in a graph")
    func cPlugin() async throws {
        try await generateBuildAndRun("word-flip", language: "c", input: "héllo wörld", expected: "dlröw olléh")
    }

    @Test("a Swift plugin: generated against the SDK package, built and tested with build.sh, validated and run in a graph")
    func swiftPlugin() async throws {
        try await generateBuildAndRun("flip", language: "swift", input: "héllo", expected: "olléh")
    }

    @Test("a bad name is refused with the rule and an example, and nothing is written", arguments: ["Flip", "9lives", "a_b", "x-", "a--b", ""])
    func badName(_ name: String) async throws {
        let workspace = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let result = try await CLI.run(["new-plugin", name, "--lang", "c"], directory: workspace)
        #expect(result.status == 2)
        #expect(result.stderr.contains("plugin name '\(name)' is invalid: use lowercase letters, digits and single '-'"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace).isEmpty)
    }

    @Test("a non-empty folder is refused and left as it was; an empty one is used")
    func existingFolder() async throws {
        let workspace = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        try FileManager.default.createDirectory(atPath: workspace + "/taken", withIntermediateDirectories: true)
        try "mine".write(toFile: workspace + "/taken/notes.txt", atomically: true, encoding: .utf8)
        let refused = try await CLI.run(["new-plugin", "flip", "--lang", "c", "--directory", "taken"], directory: workspace)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("taken already exists and is not empty"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace + "/taken") == ["notes.txt"])

        try FileManager.default.createDirectory(atPath: workspace + "/empty", withIntermediateDirectories: true)
        let written = try await CLI.run(["new-plugin", "flip", "--lang", "c", "--directory", "empty"], directory: workspace)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(FileManager.default.isExecutableFile(atPath: workspace + "/empty/build.sh"))
        #expect(FileManager.default.fileExists(atPath: workspace + "/empty/plugins/flip.json"))
    }

    @Test("an --sdk folder that is not the plugin SDK is refused with the fix")
    func wrongSDK() async throws {
        let workspace = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let result = try await CLI.run(["new-plugin", "flip", "--sdk", workspace], directory: workspace)
        #expect(result.status == 2)
        #expect(result.stderr.contains("not the plugin SDK package"), "\(result.stderr)")
        #expect(result.stderr.contains("give the PluginSDK folder of a Manifold checkout"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace).isEmpty)
    }
}
