import Foundation
import Testing

/// Graphs driven by a source node (a plugin offering manifold.source) instead of an input.
@Suite("source nodes")
struct SourceGraphTests {
    static func tickerGraph(count: Int, intervalMs: Int = 10) -> String {
        """
        { "manifold": 1, "name": "ticks", "plugins": ["$PLUGINS"],
          "outputs": { "ticks": { "topic": "relayed", "types": ["text/plain"] } },
          "nodes": {
            "clock": { "plugin": "ticker", "config": { "intervalMs": \(intervalMs), "count": \(count) }, "output": "ticks" },
            "relay": { "plugin": "forward", "subscribe": ["ticks"], "output": "relayed" } } }
        """
    }

    @Test func theBundledExampleRunsWithoutInput() async throws {
        let result = try await CLI.run(["run", "Examples/ticker.json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "TICK 1\nTICK 2\nTICK 3\n")
    }

    @Test func aFiniteSourceEndsTheRunWhenItFinishes() async throws {
        let graph = try CLI.writeGraph(Self.tickerGraph(count: 25, intervalMs: 1))
        let result = try await CLI.run(["run", graph, "--output", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 25)
        #expect(lines.last?.contains("tick 25") == true)
    }

    @Test func ctrlCStopsAnEndlessSource() async throws {
        let graph = try CLI.writeGraph(Self.tickerGraph(count: 0))
        let child = try await ChildProcess.launch(executable: CLI.executable, arguments: ["run", graph], directory: CLI.repositoryRoot)
        try child.input.fileHandleForWriting.close()
        let seen = await child.readOutput(until: "tick 3\n", timeLimit: CLI.timeLimit)
        #expect(String(decoding: seen, as: UTF8.self).contains("tick 3\n"), "no ticks before Ctrl-C")
        kill(child.processIdentifier, SIGINT)
        let finished = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: seen)
        #expect(!finished.timedOut, "Ctrl-C did not stop the source; stderr:\n\(finished.stderr)")
        #expect(finished.status == 130)
        #expect(finished.stderr.contains("stopping"))
    }

    /// A Swift source (the SDK's SourcePlugin, on a thread of its own): every line of a file,
    /// in order, through a C node, under the hub's backpressure (capacity 4).
    @Test func aSwiftSourceEmitsEveryLineOfAFileInOrder() async throws {
        let folder = NSTemporaryDirectory() + "manifold-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = (1...2000).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try text.write(toFile: folder + "/input.txt", atomically: true, encoding: .utf8)
        let graph = try CLI.writeGraph("""
            { "manifold": 1, "name": "file", "plugins": ["$PLUGINS"], "hub": { "capacity": 4 },
              "outputs": { "out": { "topic": "loud", "types": ["text/plain"] } },
              "nodes": {
                "read": { "plugin": "lines", "config": { "path": "\(folder)/input.txt" }, "output": "lines" },
                "shout": { "plugin": "uppercase", "subscribe": ["lines"], "output": "loud" } } }
            """)
        let result = try await CLI.run(["run", graph])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == text.uppercased())
    }

    @Test func aSourceThatCannotStartIsACreateError() async throws {
        let graph = try CLI.writeGraph("""
            { "manifold": 1, "name": "file", "plugins": ["$PLUGINS"],
              "outputs": { "out": { "topic": "lines", "types": ["text/plain"] } },
              "nodes": { "read": { "plugin": "lines", "config": { "path": "/nonexistent/input.txt" }, "output": "lines" } } }
            """)
        let result = try await CLI.run(["run", graph])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(graph): $.nodes.read.config.path: error: cannot read /nonexistent/input.txt"), "\(result.stderr)")
        #expect(!result.stderr.hasPrefix("error: error:") && !result.stderr.hasPrefix("error: \(graph)"), "\(result.stderr)")
        let folder = try CLI.writeGraph("""
            { "manifold": 1, "name": "file", "plugins": ["$PLUGINS"],
              "outputs": { "out": { "topic": "lines", "types": ["text/plain"] } },
              "nodes": { "read": { "plugin": "lines", "config": { "path": "/tmp" }, "output": "lines" } } }
            """)
        let refused = try await CLI.run(["run", folder])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("$.nodes.read.config.path: error: /tmp is a folder"), "\(refused.stderr)")
    }

    @Test func aNodeWithoutSubscriptionsMustBeASource() async throws {
        let graph = try CLI.writeGraph("""
            { "manifold": 1, "name": "idle", "plugins": ["$PLUGINS"],
              "outputs": { "out": { "topic": "shouted", "types": ["text/plain"] } },
              "nodes": { "shout": { "plugin": "uppercase", "output": "shouted" },
                         "clock": { "plugin": "ticker" } } }
            """)
        let result = try await CLI.run(["validate", graph])
        #expect(result.status == 1)
        #expect(result.stderr.contains("$.nodes.shout.subscribe: error: the node subscribes to nothing, and plugin 'uppercase' is no source"))
        #expect(result.stderr.contains("$.nodes.clock.output: error: plugin 'ticker' is a source"))
    }
}
