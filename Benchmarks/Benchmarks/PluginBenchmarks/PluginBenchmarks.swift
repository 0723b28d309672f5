// A native plugin (`libManifoldEcho.so` through the C ABI) against the same generator
// compiled into the host, per artifact: a raw `process` loop (the boundary alone) and a
// Streamer on a Hub (what a graph node pays). See Benchmarks/RESULTS.md.
import Benchmark
import Foundation
import Logging
import Manifold
import ManifoldBenchHarness
import ManifoldBenchKit
import ManifoldHost
import ManifoldJSON
import ManifoldPluginBenchKit

let benchmarks: @Sendable () -> Void = {
    guard Locations.pluginLibraries != nil else {
        note("Plugin benchmark SKIPPED: no libManifoldEcho.so in \(Locations.repository)/.build/{release,debug}; "
            + "run `swift build -c release` there, or set MANIFOLD_BENCH_LIBRARY_PATH")
        return
    }
    let count = size(100_000, smoke: 2_000)
    let logger = Logger(label: "bench")

    figures("Native plugin vs in-host generator (echo, per artifact)", [
        .ns("base: in-host echo, raw process loop"), .ns("base: in-host echo, Streamer on a Hub"),
        .ns("plugin: native .so echo, raw process loop"), .ns("plugin: native .so echo, Streamer on a Hub"),
        .ratio("ratio: native ÷ in-host, raw loop", largerIsBetter: false),
        .ratio("ratio: native ÷ in-host, Streamer", largerIsBetter: false),
    ]) {
        let plugin = try nativeEcho.get()
        let inputs = (0..<count).map { Artifact.text("hello world \($0 % 100)") }
        let native = try plugin.makeGenerator(node: "echo", config: .object([:]), logger: logger)
        let inHost = InHostEcho()
        let rawHost = try await rawLoop(inHost, inputs).nanosPerItem
        let rawNative = try await rawLoop(native, inputs).nanosPerItem
        let hubHost = try await streamerRun(inHost, inputs).nanosPerItem
        let hubNative = try await streamerRun(native, inputs).nanosPerItem
        await native.shutdown()
        return [rawHost, hubHost, rawNative, hubNative, percent(rawNative, of: rawHost), percent(hubNative, of: hubHost)]
    }
}
