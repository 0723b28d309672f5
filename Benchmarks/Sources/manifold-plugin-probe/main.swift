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

func measure(_ mode: String, _ which: String, _ batch: [Artifact]) async throws -> Double {
    let generator = try makeGenerator(which)
    let run = mode == "raw" ? try await rawLoop(generator, batch) : try await streamerRun(generator, batch)
    await generator.shutdown()
    return run.nanosPerItem
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
    for _ in 0..<rounds {
        for scenario in ["raw", "streamer"] {
            // Baseline and native back to back, so a noisy neighbour slows both alike.
            let host = try await measure(scenario, "host", batch)
            let native = try await measure(scenario, "native", batch)
            figures[scenario + " host", default: []].append(host)
            figures[scenario + " native", default: []].append(native)
            ratios[scenario, default: []].append(native / host)
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
} else {
    let which = arguments.dropFirst().first ?? "native"
    let count = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 100_000
    let nanos = try await measure(mode, which, inputs(count))
    print("\(mode) \(which): \(Int(nanos)) ns per artifact")
}
