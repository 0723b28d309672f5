// The hub against baselines measured in the same iteration: `swift package benchmark`
// (see Benchmarks/RESULTS.md). Sizes shrink under MANIFOLD_BENCH_SMOKE=1.
import Benchmark
import Manifold
import ManifoldBenchHarness
import ManifoldBenchKit

let benchmarks: @Sendable () -> Void = {
    let count = size(200_000, smoke: 10_000)
    let batch = 256

    /// `publishers` → 1 subscriber, 16 B: the hub per artifact and batched, against an
    /// AsyncStream pipe and the locked ring fed by as many producers.
    func throughputFigures(_ title: String, publishers: Int, streamBase: String, ringBase: String) {
        figures(title, [
            .kps(streamBase), .kps(ringBase),
            .kps("hub: publish per artifact"), .kps("hub: publish(contentsOf:) × \(batch) + nextBatch"),
            .ratio("ratio: per artifact ÷ AsyncStream"), .ratio("ratio: per artifact ÷ ring"),
            .ratio("ratio: batched ÷ AsyncStream"), .ratio("ratio: batched ÷ ring"),
        ]) {
            let inputs = makeInputs(count: count)
            let stream = try await asyncStreamPipe(inputs, producers: publishers).throughput
            let ring = lockedRingHandoff(inputs, producers: publishers).throughput
            let single = try await hubRun(inputs, mode: .perArtifact, publishers: publishers).throughput
            let batched = try await hubRun(inputs, mode: .batched(batch), publishers: publishers).throughput
            return [stream / 1e3, ring / 1e3, single / 1e3, batched / 1e3,
                    percent(single, of: stream), percent(single, of: ring),
                    percent(batched, of: stream), percent(batched, of: ring)]
        }
    }

    throughputFigures(
        "Hub 1→1 (16 B)", publishers: 1, streamBase: "base: AsyncStream pipe", ringBase: "base: locked ring, 2 threads")

    // Fan-out: cost per delivery with 1, 8, 64 subscribers; 64 KiB against 16 B payloads.
    for subscribers in [1, 8, 64] {
        figures("Hub fan-out 1→\(subscribers)", [
            .ns("base: locked ring, per item"),
            .ns("hub: 16 B, per delivery"), .ns("hub: 64 KiB, per delivery"), .ns("hub: 16 B, per publish"),
            .ratio("ratio: 64 KiB ÷ 16 B", largerIsBetter: false), .ratio("ratio: 16 B delivery ÷ ring item", largerIsBetter: false),
        ]) {
            let publishes = max(1_000, count / subscribers)
            let small = makeInputs(count: publishes, payloadBytes: 16)
            let large = makeInputs(count: publishes, payloadBytes: 64 * 1024)
            let ring = lockedRingHandoff(makeInputs(count: count)).nanosPerItem  // same total deliveries
            let smallRun = try await hubRun(small, mode: .perArtifact, subscribers: subscribers)
            let largeRun = try await hubRun(large, mode: .perArtifact, subscribers: subscribers)
            return [ring, smallRun.nanosPerItem, largeRun.nanosPerItem, smallRun.nanosPerItem * Double(subscribers),
                    percent(largeRun.nanosPerItem, of: smallRun.nanosPerItem),
                    percent(smallRun.nanosPerItem, of: ring)]
        }
    }

    // Fan-in: 8 publishers → 1 subscriber.
    throughputFigures(
        "Hub fan-in 8→1 (16 B)", publishers: 8,
        streamBase: "base: AsyncStream, 8 producers", ringBase: "base: locked ring, 8 producer threads")

    // A 3-node pipeline, two middleware per node (in-host ClosureMiddleware/ClosureGenerator).
    figures("Pipeline 3 nodes × 2 middleware", [
        .ns("base: AsyncStream stages, latency p50"), .ns("base: AsyncStream stages, latency p99"),
        .ns("hub: Streamers, latency p50"), .ns("hub: Streamers, latency p99"),
        .kps("base: AsyncStream stages, throughput"), .kps("hub: Streamers, throughput"),
        .ratio("ratio: latency p50 hub ÷ base", largerIsBetter: false), .ratio("ratio: throughput hub ÷ base"),
    ]) {
        let sends = size(5_000, smoke: 200)
        let streamLatency = try await streamPipelineLatencies(count: sends)
        let hubLatency = try await hubPipelineLatencies(count: sends)
        let inputs = makeInputs(count: size(50_000, smoke: 2_000))
        let streamRun = try await streamPipelineThroughput(inputs).throughput
        let hubRun = try await hubPipelineThroughput(inputs).throughput
        let hubP50 = percentile(hubLatency, 50), streamP50 = percentile(streamLatency, 50)
        return [streamP50, percentile(streamLatency, 99), hubP50, percentile(hubLatency, 99),
                streamRun / 1e3, hubRun / 1e3, percent(hubP50, of: streamP50), percent(hubRun, of: streamRun)]
    }

    // Memory of idle Streamers (connected, running, waiting for input) on one hub.
    let idle = size(10_000, smoke: 1_000)
    figures("Memory: \(idle) idle Streamers on one hub", [
        .bytes("base: idle task on an AsyncStream, heap"),
        .bytes("hub: idle Streamer, heap (mallinfo2)"),
        .ratio("ratio: Streamer heap ÷ base", largerIsBetter: false),
    ], iterations: 3) {
        // Heap in use, not resident pages: after earlier benchmarks in this process the heap
        // reuses pages already resident, so a statm delta reads ~0 here. For resident bytes in
        // a fresh process: `manifold-bench-probe memory 10000`.
        let baseline = try await idleStreamTasksMemory(count: idle)
        let streamers = try await idleStreamersMemory(count: idle)
        return [baseline.heapBytes, streamers.heapBytes, percent(streamers.heapBytes, of: baseline.heapBytes)]
    }
}
