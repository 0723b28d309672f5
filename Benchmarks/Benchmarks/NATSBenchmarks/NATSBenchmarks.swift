// The NATS JetStream transport against the official C client alone, in the same iteration, on
// a nats-server this run starts (`swift package benchmark`; see Benchmarks/RESULTS.md).
// Sizes shrink under MANIFOLD_BENCH_SMOKE=1.
import Benchmark
import ManifoldBenchHarness
import ManifoldBenchKit
import ManifoldNATSBenchKit
import ManifoldNATSTestSupport

let benchmarks: @Sendable () -> Void = {
    let count = size(20_000, smoke: 1_000)
    figures("NATS JetStream, 1 KiB", [
        .kps("base: C client 1→1"), .kps("transport 1→1"), .ratio("ratio: transport ÷ C client, 1→1"),
        .kps("base: C client through a relay"), .kps("transport through one node"),
        .ratio("ratio: transport ÷ C client, through one node"),
    ], iterations: 5) {
        let server = try NATSTestServer()
        let round = try await NATSRound.measure(url: server.url, count: count)
        withExtendedLifetime(server) {}  // the server runs until the round is measured
        return [round.bareOneToOne / 1e3, round.transportOneToOne / 1e3, round.oneToOneRatio * 100,
                round.bareThroughNode / 1e3, round.transportThroughNode / 1e3, round.throughNodeRatio * 100]
    }
}
