// How validating a graph scales with its size, outside the benchmark harness, and the
// generator behind the end-to-end figure in docs/performance.md:
//   manifold-graph-probe generate <nodes> <file> [plugin-folder]
//       writes a valid graph of bundled echo/uppercase nodes (LargeGraphFile); give the
//       folder of the plugin manifests (manifests/plugins) to run `manifold validate` on it
//   manifold-graph-probe compare [small] [large] [rounds]
//       GraphValidator.validate against parsing the same file into a JSONValue, at both sizes
//       (default 1000 and 10000), alternating in one run; medians, ratios, and the
//       large/small scaling (equal to large/small nodes when validation is linear)
import Foundation
import ManifoldBenchKit
import ManifoldGraphBenchKit

let arguments = Array(CommandLine.arguments.dropFirst())

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

switch arguments.first {
case "generate":
    guard arguments.count >= 3, let nodes = Int(arguments[1]), nodes >= 2 else {
        FileHandle.standardError.write(Data("usage: manifold-graph-probe generate <nodes ≥ 2> <file> [plugin-folder]\n".utf8))
        exit(64)
    }
    try LargeGraphFile.write(nodes: nodes, to: arguments[2], pluginFolder: arguments.count > 3 ? arguments[3] : nil)
    print("wrote \(arguments[2]): \(nodes) nodes")
case "compare", nil:
    let small = arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000
    let large = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 10_000
    let rounds = arguments.dropFirst(3).first.flatMap { Int($0) } ?? 5
    let smallPath = try largeGraphPath(nodes: small), largePath = try largeGraphPath(nodes: large)
    var figures: [String: [Double]] = [:]
    for _ in 0..<rounds {
        // Both sizes in every round, so a noisy neighbour slows both sides of a ratio alike.
        let smallRound = try measureValidation(of: smallPath, repeats: 3)
        let largeRound = try measureValidation(of: largePath, repeats: 1)
        figures["small parse", default: []].append(smallRound.parse.milliseconds)
        figures["small validate", default: []].append(smallRound.validate.milliseconds)
        figures["large parse", default: []].append(largeRound.parse.milliseconds)
        figures["large validate", default: []].append(largeRound.validate.milliseconds)
        figures["small ratio", default: []].append(smallRound.validate / smallRound.parse)
        figures["large ratio", default: []].append(largeRound.validate / largeRound.parse)
        figures["validate scaling", default: []].append(largeRound.validate / smallRound.validate)
        figures["parse scaling", default: []].append(largeRound.parse / smallRound.parse)
    }
    print("graph validation, \(small) and \(large) nodes × \(rounds) rounds (medians; parse = the file into a JSONValue)")
    for (label, key) in [(small, "small"), (large, "large")] {
        print(String(
            format: "%6d nodes   parse %8.1f ms   validate %8.1f ms   validate ÷ parse %5.2f×",
            label, median(figures[key + " parse"]!), median(figures[key + " validate"]!), median(figures[key + " ratio"]!)))
    }
    let scaling = figures["validate scaling"]!
    print(String(
        format: "scaling %d ÷ %d nodes: validate %.1f× (best %.1f×, worst %.1f×), parse %.1f×; linear is %.1f×",
        large, small, median(scaling), scaling.min()!, scaling.max()!, median(figures["parse scaling"]!), Double(large) / Double(small)))
default:
    FileHandle.standardError.write(Data("usage: manifold-graph-probe generate <nodes> <file> [plugin-folder] | compare [small] [large] [rounds]\n".utf8))
    exit(64)
}
