// Whole-process `manifold validate` and `manifold run` of Examples/pipeline.json: wall time
// and peak memory under /usr/bin/time -v, beside `manifold --help` (the same binary
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

    figures("Process: manifold validate / run \(example)", [
        .ms("base: manifold --help, wall"), .kib("base: manifold --help, peak RSS"),
        .ms("cli: validate, wall"), .kib("cli: validate, peak RSS"),
        .ms("cli: run --input 'hello world', wall"), .kib("cli: run, peak RSS"),
        .ratio("ratio: validate ÷ --help, wall", largerIsBetter: false),
        .ratio("ratio: run ÷ --help, wall", largerIsBetter: false),
        .ratio("ratio: run ÷ --help, peak RSS", largerIsBetter: false),
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
        return [help.wall.milliseconds, Double(help.peakResidentKiB),
                validate.wall.milliseconds, Double(validate.peakResidentKiB),
                run.wall.milliseconds, Double(run.peakResidentKiB),
                percent(validate.wall.milliseconds, of: help.wall.milliseconds),
                percent(run.wall.milliseconds, of: help.wall.milliseconds),
                percent(Double(run.peakResidentKiB), of: Double(help.peakResidentKiB))]
    }
}
