// The plugin boundary outside the benchmark harness (a plain process, so no figure depends on
// the harness's threads), and a profiling aid:
//   manifold-plugin-probe compare [count] [rounds]      native echo vs the same code in the host,
//                                                       raw and through a Streamer, alternating
//                                                       in one run; medians and ratios
//   manifold-plugin-probe raw|streamer native|host [count]   one scenario, for `perf record -g`
import Foundation
import Logging
import Manifold
import ManifoldBenchKit
import ManifoldPluginBenchKit

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? "compare"

func inputs(_ count: Int) -> [Artifact] {
    (0..<count).map { Artifact.text("hello world \($0 % 100)") }
}

func makeGenerator(_ which: String) throws -> any Generator {
    which == "native"
        ? try nativeEcho.get().makeGenerator(node: "echo", config: .object([:]), logger: Logger(label: "probe"))
        : InHostEcho()
}

/// The CPU time every thread of this process used so far, in nanoseconds. On a machine
/// shared with other work, wall time counts the time other processes held the cores; CPU
/// time counts only the work done here.
func processCPUNanos() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e9 + Double(time.tv_nsec)
}

/// Wall and CPU nanoseconds per artifact of one scenario.
func measure(_ mode: String, _ which: String, _ batch: [Artifact]) async throws -> (wall: Double, cpu: Double) {
    let generator = try makeGenerator(which)
    let cpuBefore = processCPUNanos()
    let run = mode == "raw" ? try await rawLoop(generator, batch) : try await streamerRun(generator, batch)
    let cpu = (processCPUNanos() - cpuBefore) / Double(batch.count)
    await generator.shutdown()
    return (run.nanosPerItem, cpu)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

if mode == "compare" {
    let count = arguments.dropFirst().first.flatMap { Int($0) } ?? 200_000
    let rounds = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 7
    let batch = inputs(count)
    var figures: [String: [Double]] = [:]
    var ratios: [String: [Double]] = [:]
    var cpuFigures: [String: [Double]] = [:]
    var cpuRatios: [String: [Double]] = [:]
    for _ in 0..<rounds {
        for scenario in ["raw", "streamer"] {
            // Baseline and native back to back, so a noisy neighbour slows both alike.
            let host = try await measure(scenario, "host", batch)
            let native = try await measure(scenario, "native", batch)
            figures[scenario + " host", default: []].append(host.wall)
            figures[scenario + " native", default: []].append(native.wall)
            ratios[scenario, default: []].append(native.wall / host.wall)
            cpuFigures[scenario + " host", default: []].append(host.cpu)
            cpuFigures[scenario + " native", default: []].append(native.cpu)
            cpuRatios[scenario, default: []].append(native.cpu / host.cpu)
        }
    }
    print("native echo plugin vs the same generator in the host, \(count) artifacts × \(rounds) rounds (median ns per artifact)")
    for scenario in ["raw", "streamer"] {
        let host = median(figures[scenario + " host"]!), native = median(figures[scenario + " native"]!)
        let ratio = ratios[scenario]!
        print(String(
            format: "%-9@ host %7.0f ns   native %7.0f ns   native/host median %.2f× (best %.2f×, worst %.2f×)",
            scenario as NSString, host, native, median(ratio), ratio.min()!, ratio.max()!))
    }
    print("the same rounds in CPU time of this process (all its threads), median ns per artifact")
    for scenario in ["raw", "streamer"] {
        let host = median(cpuFigures[scenario + " host"]!), native = median(cpuFigures[scenario + " native"]!)
        let ratio = cpuRatios[scenario]!
        print(String(
            format: "%-9@ host %7.0f ns   native %7.0f ns   native/host median %.2f× (best %.2f×, worst %.2f×)",
            scenario as NSString, host, native, median(ratio), ratio.min()!, ratio.max()!))
    }
} else {
    let which = arguments.dropFirst().first ?? "native"
    let count = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 100_000
    let nanos = try await measure(mode, which, inputs(count))
    print("\(mode) \(which): \(Int(nanos.wall)) ns per artifact (\(Int(nanos.cpu)) ns of CPU)")
}
