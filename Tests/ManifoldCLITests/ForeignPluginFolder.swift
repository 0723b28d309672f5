import Foundation

/// A plugin folder holding the bundled C example library (`forward`, `ticker`) rebuilt with extra C code (e.g. a
/// constructor that leaves a marker, crashes or exits), beside its manifest: what an
/// untrusted repository could hold.
struct ForeignPluginFolder {
    let folder: String
    let library: String
    let manifest: String

    /// Compiles `Plugins/CExamples` plus `extraSource` into `libforeign.so` in a new folder,
    /// with the manifest `forward.json` naming it (and `ticker.json` too, `withTicker`).
    init(extraSource: String, withTicker: Bool = false) async throws {
        folder = NSTemporaryDirectory() + "manifold-foreign-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let source = folder + "/foreign.c"
        try ("#include <stdio.h>\n#include <stdlib.h>\n#include <signal.h>\n" + extraSource + "\n")
            .write(toFile: source, atomically: true, encoding: .utf8)
        let examples = CLI.repositoryRoot + "/Plugins/CExamples"
        let sources = ["forward.c", "ticker.c", "config.c", "library.c"].map { examples + "/" + $0 } + [source]
        library = folder + "/libforeign.so"
        try await TestCPlugin.compile(sources, into: library, includes: [examples, examples + "/include"])
        let bundled = try String(contentsOfFile: CLI.repositoryRoot + "/manifests/plugins/forward.json", encoding: .utf8)
        manifest = folder + "/forward.json"
        try bundled.replacingOccurrences(of: "libManifoldCExamples.so", with: "libforeign.so")
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        if withTicker {
            let ticker = try String(contentsOfFile: CLI.repositoryRoot + "/manifests/plugins/ticker.json", encoding: .utf8)
            try ticker.replacingOccurrences(of: "libManifoldCExamples.so", with: "libforeign.so")
                .write(toFile: folder + "/ticker.json", atomically: true, encoding: .utf8)
        }
    }

    /// A constructor that creates `marker` when the library's code runs.
    static func markerConstructor(_ marker: String) -> String {
        "__attribute__((constructor)) static void leave_marker(void) { FILE *f = fopen(\"\(marker)\", \"w\"); if (f) fclose(f); }"
    }

    /// A graph whose only node, `clock`, is `ticker` from this folder (made `withTicker`) with `config`, plus
    /// `node` (JSON members), printing what it emits.
    func tickerGraph(config: String, node: String) throws -> String {
        let path = folder + "-ticker.json"
        try """
            {"manifold": 1, "name": "foreign-ticker", "plugins": ["\(folder)"],
             "outputs": {"ticks": {"topic": "ticks", "types": ["text/plain"]}},
             "nodes": {"clock": {"plugin": "ticker", "config": \(config), "output": "ticks", \(node)}}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A graph running `forward` from this folder between `in` and `out`.
    func graph() throws -> String {
        // Beside the plugin folder, not in it, so the folder holds what an untrusted repository would.
        let path = folder + "-graph.json"
        try """
            {"manifold": 1, "name": "foreign", "plugins": ["\(folder)"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"pass": {"plugin": "forward", "subscribe": ["in"], "output": "out"}}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
