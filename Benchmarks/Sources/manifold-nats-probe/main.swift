// The NATS transport against the official C client alone, outside the benchmark harness (no
// harness thread holds a cooperative-pool thread): `manifold-nats-probe [count] [rounds]`
// starts a nats-server with JetStream on a free loopback port (temporary store), then runs
// 1 KiB artifacts 1 → 1 and through one node, each through the transport and through the bare
// client, round by round, with the ratios; medians at the end.
import Foundation
import ManifoldBenchKit
import ManifoldNATSBenchKit
import ManifoldNATSTestSupport

let arguments = CommandLine.arguments.dropFirst()
let count = arguments.first.flatMap { Int($0) } ?? 20_000
let rounds = arguments.dropFirst().first.flatMap { Int($0) } ?? 5

let server = try NATSTestServer()
// `MANIFOLD_NATS_PROBE_ONLY=transport-1to1|transport-node` runs that one scenario, for a profiler.
if let only = ProcessInfo.processInfo.environment["MANIFOLD_NATS_PROBE_ONLY"] {
    let inputs = makeInputs(count: count, payloadBytes: 1024, pool: count)
    for _ in 1...rounds {
        let run = only == "transport-node"
            ? try await NATSTransportScenarios.throughOneNode(url: server.url, inputs: inputs)
            : try await NATSTransportScenarios.oneToOne(url: server.url, inputs: inputs)
        print("\(only): \(Int(run.throughput)) messages/s")
    }
    exit(0)
}
print("\(count) artifacts of 1 KiB per scenario, \(rounds) rounds, nats-server -js on \(server.url) (file store)")
print("round   bare 1→1  transport 1→1  ratio   bare node  transport node  ratio   (messages/s)")
var rows: [NATSRound] = []
for round in 1...rounds {
    let row = try await NATSRound.measure(url: server.url, count: count)
    rows.append(row)
    print(String(
        format: "%5d %10.0f %14.0f %6.2f× %11.0f %15.0f %6.2f×", round, row.bareOneToOne, row.transportOneToOne, row.oneToOneRatio,
        row.bareThroughNode, row.transportThroughNode, row.throughNodeRatio))
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
print(String(
    format: "median %9.0f %14.0f %6.2f× %11.0f %15.0f %6.2f×", median(rows.map(\.bareOneToOne)), median(rows.map(\.transportOneToOne)),
    median(rows.map(\.oneToOneRatio)), median(rows.map(\.bareThroughNode)), median(rows.map(\.transportThroughNode)),
    median(rows.map(\.throughNodeRatio))))
