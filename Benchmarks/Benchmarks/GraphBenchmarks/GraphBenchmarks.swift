// How validating a graph scales: GraphValidator.validate of generated 1,000- and 10,000-node
// graphs (LargeGraphFile, in-process stand-ins for echo and uppercase), each against parsing
// the same file into a JSONValue in the same iteration, and the 10k ÷ 1k scaling (1000 % is
// linear). Sizes shrink under MANIFOLD_BENCH_SMOKE=1.
import Benchmark
import ManifoldBenchHarness
import ManifoldBenchKit
import ManifoldGraphBenchKit

let benchmarks: @Sendable () -> Void = {
    let small = size(1_000, smoke: 100)
    let large = size(10_000, smoke: 1_000)

    figures("Graph validation, \(small) and \(large) nodes", [
        .ms("base: parse \(small)-node file into a JSONValue"), .ms("graph: validate \(small) nodes"),
        .ms("base: parse \(large)-node file into a JSONValue"), .ms("graph: validate \(large) nodes"),
        .ratio("ratio: validate ÷ parse, \(small) nodes", largerIsBetter: false),
        .ratio("ratio: validate ÷ parse, \(large) nodes", largerIsBetter: false),
        .ratio("ratio: validate \(large) ÷ \(small) nodes (linear: \(large * 100 / small))", largerIsBetter: false),
        .ratio("ratio: parse \(large) ÷ \(small) nodes", largerIsBetter: false),
    ], iterations: 5) {
        let smallRound = try measureValidation(of: try largeGraphPath(nodes: small), repeats: 3)
        let largeRound = try measureValidation(of: try largeGraphPath(nodes: large), repeats: 1)
        return [smallRound.parse.milliseconds, smallRound.validate.milliseconds,
                largeRound.parse.milliseconds, largeRound.validate.milliseconds,
                percent(smallRound.validate.milliseconds, of: smallRound.parse.milliseconds),
                percent(largeRound.validate.milliseconds, of: largeRound.parse.milliseconds),
                percent(largeRound.validate.milliseconds, of: smallRound.validate.milliseconds),
                percent(largeRound.parse.milliseconds, of: smallRound.parse.milliseconds)]
    }
}
