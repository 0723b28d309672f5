// A quick probe of one scenario, outside the benchmark harness, for profiling (`perf record -g`;
// valgrind 3.19 crashes on Swift's thread start-up here) and for A/B runs while changing the
// hub: `manifold-bench-probe <scenario> [count] [repeats]`, scenarios asyncstream, ring, hub-route(-8),
// hub-1to1, hub-batched, fanout-64, fanin-8, sequence, pipeline, memory (count = Streamers).
// `compare [count] [rounds]` puts the hub 1 → 1 (per artifact and batched) beside an `Int` lock
// ring and an AsyncStream pipe, round by round, with ratios, CPU time and peak RSS;
// `--lines [lines] [rounds]` runs `seq N | manifold run Examples/pipeline.json --lines` beside
// `seq N | tr a-z A-Z | wc -l` (the release `manifold` from MANIFOLD_BIN or ../.build/release).
import Foundation
import Manifold
import ManifoldBenchKit

let arguments = CommandLine.arguments.dropFirst()
let scenario = arguments.first ?? "all"
let count = arguments.dropFirst().first.flatMap { Int($0) } ?? 200_000
let repeats = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 5

func report(_ name: String, _ runs: [Measured]) {
    let sorted = runs.map(\.throughput).sorted()
    let median = sorted[sorted.count / 2]
    print("\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) median \(String(format: "%10.0f", median)) /s  (\(String(format: "%.1f", 1e9 / median)) ns/item)")
}

func measure(_ name: String, _ body: () async throws -> Measured) async throws {
    guard scenario == "all" || name.hasPrefix(scenario) else { return }
    var runs: [Measured] = []
    for _ in 0..<repeats { runs.append(try await body()) }
    report(name, runs)
}

if scenario == "compare" {
    try await compareHub(count: count, rounds: repeats)
    exit(0)
}
if scenario == "--lines" {
    try compareLines(lines: arguments.dropFirst().first.flatMap { Int($0) } ?? 200_000, rounds: repeats)
    exit(0)
}

let inputs = makeInputs(count: count)
try await measure("asyncstream") { try await asyncStreamPipe(inputs) }
try await measure("ring") { lockedRingHandoff(inputs) }
try await measure("hub-1to1") { try await hubRun(inputs, mode: .perArtifact) }
try await measure("hub-batched") { try await hubRun(inputs, mode: .batched(256)) }
try await measure("fanout-64") { try await hubRun(Array(inputs.prefix(count / 16)), mode: .perArtifact, subscribers: 64) }
try await measure("fanin-8") { try await hubRun(inputs, mode: .perArtifact, publishers: 8) }
if scenario == "all" || scenario == "pipeline" {
    let hubLatency = try await hubPipelineLatencies(count: 2000)
    let streamLatency = try await streamPipelineLatencies(count: 2000)
    print("pipeline latency p50/p99 ns: hub \(percentile(hubLatency, 50)) / \(percentile(hubLatency, 99)); streams \(percentile(streamLatency, 50)) / \(percentile(streamLatency, 99))")
    let hubRun = try await hubPipelineThroughput(Array(inputs.prefix(50_000)))
    let streamRun = try await streamPipelineThroughput(Array(inputs.prefix(50_000)))
    print("pipeline throughput /s: hub \(Int(hubRun.throughput)); streams \(Int(streamRun.throughput))")
}
if scenario == "all" || scenario == "memory" {
    let clock = ContinuousClock()
    var streamers = PerItemMemory(heapBytes: 0, residentBytes: 0)
    let idle = arguments.dropFirst().first.flatMap { Int($0) } ?? 10_000
    let took = try await clock.measure { streamers = try await idleStreamersMemory(count: idle) }
    let tasks = try await idleStreamTasksMemory(count: idle)
    print("idle streamer bytes: heap \(Int(streamers.heapBytes)) rss \(Int(streamers.residentBytes)) (took \(took)); idle task+AsyncStream: heap \(Int(tasks.heapBytes)) rss \(Int(tasks.residentBytes))")
}
if scenario == "sequence" {
    for _ in 0..<repeats {
        let fresh = makeInputs(count: count)
        let s = try await asyncStreamPipe(fresh).throughput
        let r = lockedRingHandoff(fresh).throughput
        let p = try await hubRun(fresh, mode: .perArtifact).throughput
        let b = try await hubRun(fresh, mode: .batched(256)).throughput
        print("stream \(Int(s / 1e3))K ring \(Int(r / 1e3))K per \(Int(p / 1e3))K batched \(Int(b / 1e3))K")
    }
}
if scenario == "artifact-id" {
    // What making an artifact costs: `ArtifactID()` (a Foundation UUID) against the rest.
    let clock = ContinuousClock()
    var ids: [ArtifactID] = []
    ids.reserveCapacity(count)
    let idTime = clock.measure { for _ in 0..<count { ids.append(ArtifactID()) } }
    var artifacts: [Artifact] = []
    artifacts.reserveCapacity(count)
    let fixed = ArtifactID("fixed")
    let restTime = clock.measure { for _ in 0..<count { artifacts.append(Artifact(id: fixed, type: .plainText)) } }
    print("ArtifactID(): \(Int(Double((idTime / count).components.attoseconds) / 1e9)) ns; Artifact with a given id: \(Int(Double((restTime / count).components.attoseconds) / 1e9)) ns")
}
if scenario == "hub-route" || scenario == "hub-route-8" {
    // The hub's own path, without wake-ups: one task publishes 512 artifacts into subscriptions
    // with room for them, then reads them back (settling each), round after round, so the
    // figure is routing, queueing, reading and settling per delivery, not the scheduler's or
    // a growing queue's. Detached, so no call hops to the main actor and back.
    let subscribers = scenario == "hub-route-8" ? 8 : 1
    var perDelivery: [Double] = []
    for _ in 0..<repeats {
        let nanoseconds = try await Task.detached { () async throws -> Double in
            let hub = Hub(options: HubOptions(capacity: 1024))
            let topic = try Topic("bench.in")
            let subscriptions = (0..<subscribers).map { hub.subscribe([TopicPattern(exactly: topic)], name: "s\($0)") }
            var readers = subscriptions.map { $0.makeAsyncIterator() }
            let clock = ContinuousClock()
            let start = clock.now
            var read = 0
            for first in stride(from: 0, to: inputs.count, by: 512) {
                let round = inputs[first..<min(first + 512, inputs.count)]
                for artifact in round { try await hub.publish(artifact, to: topic) }
                for index in readers.indices {
                    for _ in round where try await readers[index].next() != nil { read += 1 }
                }
            }
            let elapsed = clock.now - start
            precondition(read == inputs.count * subscribers)
            return (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(read)
        }.value
        perDelivery.append(nanoseconds)
    }
    perDelivery.sort()
    print("\(scenario) median \(String(format: "%.1f", perDelivery[perDelivery.count / 2])) ns per delivery")
}
