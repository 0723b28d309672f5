// Whole-process `manifold validate` and `manifold run` of Examples/pipeline.json, and
// `manifold validate` of a generated 10-node graph (every node with two middleware): wall
// time and peak memory under /usr/bin/time -v, beside `manifold --help` (the same binary
// starting and exiting) measured in the same iteration. Skipped, with a note, when no
// `manifold` binary is built (or set MANIFOLD_BIN).
import Benchmark
import Foundation
import ManifoldBenchHarness
import ManifoldBenchKit

let benchmarks: @Sendable () -> Void = {
    guard let manifold = Locations.manifoldBinary else {
        note("Process benchmarks SKIPPED: no manifold binary in \(Locations.repository)/.build/{release,debug}; "
            + "run `swift build` there, or set MANIFOLD_BIN")
        return
    }
    if Locations.isDebugBuild(manifold) {
        note("manifold binary \(manifold) is a DEBUG build: figures are for that build; `swift build -c release` for release figures")
    }
    let repository = Locations.repository
    let example = "Examples/pipeline.json"
    let repeats = size(5, smoke: 1)
    let tenNodes: String
    do {
        tenNodes = try writeTenNodeGraph(pluginFolder: "\(repository)/manifests/plugins")
    } catch {
        note("Process benchmarks SKIPPED: cannot write the 10-node graph: \(error)")
        return
    }

    // The journal's cost: the same lines through three nodes, recorded and not, alternating.
    // Benchmarks/journal-cost.py measures the same outside the harness, with larger payloads too.
    let threeNodes: String
    do {
        threeNodes = try writeThreeNodeGraph(pluginFolder: "\(repository)/manifests/plugins")
    } catch {
        note("Process benchmarks SKIPPED: cannot write the 3-node graph: \(error)")
        return
    }
    let journalLines = size(100_000, smoke: 2_000)
    figures("Process: run --lines through 3 nodes, with and without --journal (\(journalLines) lines)", [
        .kps("plain"), .kps("journal"),
        .ratio("ratio: journal ÷ plain, wall", largerIsBetter: false),
        .ratio("ratio: journal ÷ plain, CPU", largerIsBetter: false),
    ], iterations: 5) {
        let journal = NSTemporaryDirectory() + "manifold-bench-journal-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let plain = try linesThroughManifold(manifold: manifold, graph: threeNodes, lines: journalLines)
        let recorded = try linesThroughManifold(manifold: manifold, graph: threeNodes, lines: journalLines, arguments: ["--journal", journal])
        // Each line is four artifacts: the input and one per node.
        return [plain.linesPerSecond * 4 / 1000, recorded.linesPerSecond * 4 / 1000,
                percent(plain.linesPerSecond, of: recorded.linesPerSecond),
                percent(recorded.cpuMicrosPerLine, of: plain.cpuMicrosPerLine)]
    }

    figures("Process: manifold validate / run \(example)", [
        .ms("base: manifold --help, wall"), .kib("base: manifold --help, peak RSS"),
        .ms("cli: validate, wall"), .kib("cli: validate, peak RSS"),
        .ms("cli: run --input 'hello world', wall"), .kib("cli: run, peak RSS"),
        .ms("cli: validate 10-node graph, wall"), .kib("cli: validate 10-node graph, peak RSS"),
        .ratio("ratio: validate ÷ --help, wall", largerIsBetter: false),
        .ratio("ratio: run ÷ --help, wall", largerIsBetter: false),
        .ratio("ratio: run ÷ --help, peak RSS", largerIsBetter: false),
        .ratio("ratio: validate 10 nodes ÷ --help, wall", largerIsBetter: false),
    ], iterations: 10) {
        // The fastest of a few runs of each: process start-up on a shared machine is noisy upwards.
        func best(_ arguments: [String]) throws -> ProcessMeasurement {
            var runs: [ProcessMeasurement] = []
            for _ in 0..<repeats { runs.append(try measureProcess(manifold, arguments, in: repository)) }
            return runs.min { $0.wall < $1.wall }!
        }
        let help = try best(["--help"])
        let validate = try best(["validate", example])
        let run = try best(["run", example, "--input", "hello world"])
        let validateTen = try best(["validate", tenNodes])
        return [help.wall.milliseconds, Double(help.peakResidentKiB),
                validate.wall.milliseconds, Double(validate.peakResidentKiB),
                run.wall.milliseconds, Double(run.peakResidentKiB),
                validateTen.wall.milliseconds, Double(validateTen.peakResidentKiB),
                percent(validate.wall.milliseconds, of: help.wall.milliseconds),
                percent(run.wall.milliseconds, of: help.wall.milliseconds),
                percent(Double(run.peakResidentKiB), of: Double(help.peakResidentKiB)),
                percent(validateTen.wall.milliseconds, of: help.wall.milliseconds)]
    }
}

/// A chain of 10 `echo` nodes, each with `log` and `filter` middleware, written to a
/// temporary file: every check of `validate` runs on every node, edge and config.
func writeTenNodeGraph(pluginFolder: String) throws -> String {
    var nodes: [String] = []
    for index in 0..<10 {
        let input = index == 0 ? "input" : "stage\(index - 1)"
        let output = index == 9 ? "result" : "stage\(index)"
        nodes.append("""
            "node\(index)": {
              "plugin": "echo", "config": { "split": "words" },
              "middleware": [
                { "plugin": "log", "config": { "destination": "stderr" } },
                { "plugin": "filter", "config": { "rules": [ { "contains": "secret", "action": "drop" } ] } }
              ],
              "subscribe": ["\(input)"], "output": "\(output)"
            }
            """)
    }
    let graph = """
        {
          "manifold": 1,
          "name": "ten-nodes",
          "plugins": ["\(pluginFolder)"],
          "inputs": { "text": { "topic": "input", "types": ["text/plain"] } },
          "outputs": { "result": { "topic": "result", "types": ["text/*"] } },
          "nodes": {
        \(nodes.joined(separator: ",\n"))
          }
        }
        """
    let path = NSTemporaryDirectory() + "manifold-bench-ten-nodes.json"
    try graph.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// `uppercase` → `echo` → `uppercase`, written to a temporary file.
func writeThreeNodeGraph(pluginFolder: String) throws -> String {
    let graph = """
        {
          "manifold": 1, "name": "three-nodes", "plugins": ["\(pluginFolder)"],
          "inputs": { "text": { "topic": "in", "types": ["text/plain"] } },
          "outputs": { "out": { "topic": "out", "types": ["text/plain"] } },
          "nodes": {
            "first": { "plugin": "uppercase", "subscribe": ["in"], "output": "a" },
            "second": { "plugin": "echo", "subscribe": ["a"], "output": "b" },
            "third": { "plugin": "uppercase", "subscribe": ["b"], "output": "out" }
          }
        }
        """
    let path = NSTemporaryDirectory() + "manifold-bench-three-nodes.json"
    try graph.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
