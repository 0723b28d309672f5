// Profiling aid for the plugin boundary: `manifold-plugin-probe raw|streamer native|host [count]`.
import Logging
import Manifold
import ManifoldBenchKit
import ManifoldPluginBenchKit

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? "raw"
let which = arguments.dropFirst().first ?? "native"
let count = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 100_000
let inputs = (0..<count).map { Artifact.text("hello world \($0 % 100)") }
let generator: any Generator = which == "native"
    ? try nativeEcho.get().makeGenerator(node: "echo", config: .object([:]), logger: Logger(label: "probe"))
    : InHostEcho()
let run = mode == "raw" ? try await rawLoop(generator, inputs) : try await streamerRun(generator, inputs)
print("\(mode) \(which): \(Int(run.nanosPerItem)) ns per artifact")
await generator.shutdown()
