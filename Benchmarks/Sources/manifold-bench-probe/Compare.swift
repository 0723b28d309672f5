import Foundation
import ManifoldBenchKit

// The two comparisons run outside the benchmark harness, where no harness thread holds one
// of the two cooperative-pool threads: every figure beside its baselines in the same round.

private func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

private func column(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

private func thousands(_ perSecond: Double) -> String { String(format: "%.0f", perSecond / 1e3) }
private func times(_ ratio: Double) -> String { String(format: "%.2f×", ratio) }

/// Hub 1 → 1 per artifact and batched, an `Int` lock ring per item and batched, and an
/// AsyncStream pipe, `rounds` times; prints each round's throughputs and ratios, then medians,
/// CPU time per item (all threads of the process) and peak RSS per scenario.
func compareHub(count: Int, rounds: Int) async throws {
    let inputs = makeInputs(count: count)
    let names = ["hub 1→1 per artifact", "hub 1→1 batched ×256", "Int ring per item", "Int ring batched ×256", "AsyncStream pipe"]
    let ratioNames = [
        "hub per artifact ÷ Int ring per item", "hub batched ÷ Int ring per item", "hub batched ÷ Int ring batched",
        "hub per artifact ÷ AsyncStream", "hub batched ÷ AsyncStream",
    ]
    var runs: [[Costed]] = Array(repeating: [], count: names.count)
    var ratios: [[Double]] = Array(repeating: [], count: ratioNames.count)
    print("\(count) items per scenario, \(rounds) rounds; K/s per scenario, then ratios (round by round)")
    print("round " + ["hub", "hub-b", "ring", "ring-b", "stream"].map { column($0, 8) }.joined()
        + "  " + ["h/ring", "hb/ring", "hb/ringb", "h/strm", "hb/strm"].map { column($0, 9) }.joined())
    for round in 1...rounds {
        let round_ = [
            try await costed { try await hubRun(inputs, mode: .perArtifact) },
            try await costed { try await hubRun(inputs, mode: .batched(256)) },
            await costed { intRingHandoff(count: count) },
            await costed { intRingHandoff(count: count, batch: 256) },
            try await costed { try await asyncStreamPipe(inputs) },
        ]
        for (index, run) in round_.enumerated() { runs[index].append(run) }
        let speed = round_.map(\.run.throughput)
        let these = [speed[0] / speed[2], speed[1] / speed[2], speed[1] / speed[3], speed[0] / speed[4], speed[1] / speed[4]]
        for (index, ratio) in these.enumerated() { ratios[index].append(ratio) }
        print(column("\(round)", 5) + " " + speed.map { column(thousands($0), 8) }.joined()
            + "  " + these.map { column(times($0), 9) }.joined())
    }
    print("\nmedians over \(rounds) rounds")
    for (index, name) in names.enumerated() {
        let throughput = median(runs[index].map(\.run.throughput))
        let cpu = median(runs[index].map(\.cpuNanosPerItem))
        let peak = runs[index].map(\.peakKiB).max() ?? 0
        print("  \(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(column(thousands(throughput), 8)) K/s"
            + "  \(column(String(format: "%.1f", 1e9 / throughput), 7)) ns/item wall"
            + "  \(column(String(format: "%.1f", cpu), 7)) ns/item CPU  peak RSS \(peak) KiB")
    }
    for (index, name) in ratioNames.enumerated() {
        print("  \(name.padding(toLength: 40, withPad: " ", startingAt: 0)) \(times(median(ratios[index])))"
            + "  (rounds \(ratios[index].map(times).joined(separator: " ")))")
    }
}

/// `seq N | manifold run Examples/pipeline.json --lines > /dev/null` beside
/// `seq N | tr a-z A-Z | wc -l`, `rounds` times, with lines/s, the ratio, CPU µs per line
/// and peak RSS of the measured stage.
func compareLines(lines: Int, rounds: Int) throws {
    guard let manifold = Locations.manifoldBinary else {
        print("no manifold binary: build it (`swift build -c release --product manifold` in the repository) or set MANIFOLD_BIN")
        exit(2)
    }
    if Locations.isDebugBuild(manifold) { note("\(manifold) is a DEBUG build: these figures are that build's") }
    let graph = Locations.repository + "/Examples/pipeline.json"
    print("\(lines) lines, \(rounds) rounds; manifold: \(manifold)")
    print("round  manifold lines/s  CPU µs/line  peak RSS KiB   tr|wc lines/s  CPU µs/line   ratio")
    var manifoldRuns: [LinesRun] = []
    var shellRuns: [LinesRun] = []
    var ratios: [Double] = []
    for round in 1...rounds {
        let run = try linesThroughManifold(manifold: manifold, graph: graph, lines: lines)
        let base = try linesThroughShellTools(lines: lines)
        manifoldRuns.append(run)
        shellRuns.append(base)
        ratios.append(run.linesPerSecond / base.linesPerSecond)
        print(column("\(round)", 5) + column(String(format: "%.0f", run.linesPerSecond), 18)
            + column(String(format: "%.2f", run.cpuMicrosPerLine), 13) + column("\(run.stage.peakKiB)", 14)
            + column(String(format: "%.0f", base.linesPerSecond), 16) + column(String(format: "%.3f", base.cpuMicrosPerLine), 13)
            + column(String(format: "%.4f×", ratios.last!), 9))
    }
    print("\nmedians over \(rounds) rounds")
    print("  manifold run --lines   \(String(format: "%.0f", median(manifoldRuns.map(\.linesPerSecond)))) lines/s"
        + "  \(String(format: "%.2f", median(manifoldRuns.map(\.cpuMicrosPerLine)))) CPU µs/line"
        + "  peak RSS \(manifoldRuns.map(\.stage.peakKiB).max() ?? 0) KiB")
    print("  seq | tr | wc -l       \(String(format: "%.0f", median(shellRuns.map(\.linesPerSecond)))) lines/s"
        + "  \(String(format: "%.3f", median(shellRuns.map(\.cpuMicrosPerLine)))) CPU µs/line (tr + wc)"
        + "  peak RSS \(shellRuns.map(\.stage.peakKiB).max() ?? 0) KiB")
    print("  ratio manifold ÷ tr|wc \(String(format: "%.4f×", median(ratios)))")
}
