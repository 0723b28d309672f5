import Foundation
import Manifold

/// The middleware and generator of every node of the 3-node pipeline: in-host closures
/// (`ClosureMiddleware` / `ClosureGenerator`), the same in the hub pipeline and its baseline.
/// Middleware 1 observes (counts inputs, passes them on); middleware 2 intercepts the
/// generator's outputs and passes them on; the generator echoes its input.
public func pipelineChain() -> (generator: any Generator, middleware: [any Middleware]) {
    let observe = ClosureMiddleware(name: "observe") { input, context, next in
        try await next(input, context)
    }
    let intercept = ClosureMiddleware(name: "intercept") { input, context, next in
        try await next(input, context.interceptingEmits { output, emit in try await emit(output) })
    }
    let echo = ClosureGenerator(ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { input, context in
        try await context.emit(input)
    }
    return (echo, [observe, intercept])
}

/// A running 3-node pipeline on one hub: `p.in` → a → `p.s1` → b → `p.s2` → c → `p.out`.
public final class HubPipeline: Sendable {
    public let hub: Hub
    public let input: Topic
    public let sink: Subscription
    private let nodes: [Streamer]

    public init(capacity: Int = 1024) throws {
        let hub = Hub(options: HubOptions(capacity: capacity))
        self.hub = hub
        let topics = try ["p.in", "p.s1", "p.s2", "p.out"].map(Topic.init)
        input = topics[0]
        nodes = (0..<3).map { index in
            let (generator, middleware) = pipelineChain()
            return Streamer(
                name: "node\(index)", generator: generator, middleware: middleware,
                subscribeTo: [TopicPattern(exactly: topics[index])], output: topics[index + 1], hub: hub)
        }
        for node in nodes { try node.connect() }
        sink = hub.subscribe([TopicPattern(exactly: topics[3])], name: "sink", accepts: [.plainText])
    }

    /// Runs the nodes until `body` returns, then closes the hub and waits for them.
    public func run<T: Sendable>(_ body: @Sendable (HubPipeline) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in nodes { group.addTask { _ = try await node.run() } }
            let result = try await body(self)
            hub.close()
            try await group.waitForAll()
            return result
        }
    }
}

/// Baseline: the same chains (same closures, same `ProcessingChain`) in three tasks joined by
/// `AsyncStream`s, with no hub, no Streamer, no topics.
public final class StreamPipeline: Sendable {
    public let input: AsyncStream<Artifact>.Continuation
    public let output: AsyncStream<Artifact>
    private let stages: [(AsyncStream<Artifact>, ProcessingChain, AsyncStream<Artifact>.Continuation)]

    public init() {
        var streams = (0..<4).map { _ in AsyncStream.makeStream(of: Artifact.self, bufferingPolicy: .unbounded) }
        input = streams[0].continuation
        output = streams[3].stream
        stages = (0..<3).map { index in
            let (generator, middleware) = pipelineChain()
            return (streams[index].stream, ProcessingChain(generator: generator, middleware: middleware), streams[index + 1].continuation)
        }
        streams.removeAll()
    }

    public func run<T: Sendable>(_ body: @Sendable (StreamPipeline) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, (inputs, chain, next)) in stages.enumerated() {
                group.addTask {
                    for await input in inputs {
                        let context = ProcessingContext(node: "node\(index)", input: input) { output in next.yield(output) }
                        try await chain.process(input, context: context)
                    }
                    next.finish()
                }
            }
            let result = try await body(self)
            input.finish()
            try await group.waitForAll()
            return result
        }
    }
}

/// End-to-end latencies of `count` artifacts sent one at a time (each waits for the previous).
public func hubPipelineLatencies(count: Int) async throws -> [Duration] {
    let pipeline = try HubPipeline()
    let input = Artifact.text("ping")
    return try await pipeline.run { pipeline in
        var results = pipeline.sink.makeAsyncIterator()
        return try await roundTrips(
            count, send: { try await pipeline.hub.publish(input, to: pipeline.input) }, receive: { try await results.next() })
    }
}

/// The same for the `AsyncStream` stages.
public func streamPipelineLatencies(count: Int) async throws -> [Duration] {
    let pipeline = StreamPipeline()
    let input = Artifact.text("ping")
    return try await pipeline.run { pipeline in
        var results = pipeline.output.makeAsyncIterator()
        return try await roundTrips(count, send: { pipeline.input.yield(input) }, receive: { await results.next() })
    }
}

/// Throughput: all inputs published at once (per artifact), the sink drains them.
public func hubPipelineThroughput(_ inputs: [Artifact]) async throws -> Measured {
    let pipeline = try HubPipeline()
    return try await measureSending(inputs) {
        try await pipeline.run { pipeline in
            try await sendAll(inputs, readingFrom: pipeline.sink) { try await pipeline.hub.publish($0, to: pipeline.input) }
        }
    }
}

/// The same for the `AsyncStream` stages.
public func streamPipelineThroughput(_ inputs: [Artifact]) async throws -> Measured {
    let pipeline = StreamPipeline()
    return try await measureSending(inputs) {
        try await pipeline.run { pipeline in
            try await sendAll(inputs, readingFrom: pipeline.output) { pipeline.input.yield($0) }
        }
    }
}

/// `count` times: `send` one artifact, wait until `receive` gives one back, record the time.
func roundTrips(
    _ count: Int, send: () async throws -> Void, receive: () async throws -> Artifact?
) async throws -> [Duration] {
    var latencies: [Duration] = []
    latencies.reserveCapacity(count)
    for _ in 0..<count {
        let start = ContinuousClock.now
        try await send()
        guard try await receive() != nil else { throw BenchError.missing("pipeline ended early") }
        latencies.append(ContinuousClock.now - start)
    }
    return latencies
}

/// Times `run`, which returns how many of `inputs` came out; all of them must.
public func measureSending(_ inputs: [Artifact], _ run: () async throws -> Int) async throws -> Measured {
    let start = ContinuousClock.now
    let read = try await run()
    guard read == inputs.count else { throw BenchError.lost(expected: inputs.count, got: read) }
    return Measured(elapsed: ContinuousClock.now - start, items: read)
}

/// Sends every input while a reader takes artifacts from `outputs` until as many came out
/// (or `outputs` ended); returns how many it read.
public func sendAll<Outputs: AsyncSequence & Sendable>(
    _ inputs: [Artifact], readingFrom outputs: Outputs, send: (Artifact) async throws -> Void
) async throws -> Int where Outputs.Element == Artifact {
    try await withThrowingTaskGroup(of: Int.self) { group in
        group.addTask {
            var count = 0
            for try await artifact in outputs {
                consume(artifact)
                count += 1
                if count == inputs.count { break }
            }
            return count
        }
        for artifact in inputs { try await send(artifact) }
        return try await group.next()!
    }
}

/// The `p`-th percentile (0...100) of some durations, in nanoseconds.
public func percentile(_ durations: [Duration], _ p: Double) -> Double {
    let sorted = durations.map { Double($0.components.seconds) * 1e9 + Double($0.components.attoseconds) / 1e9 }.sorted()
    guard !sorted.isEmpty else { return 0 }
    let index = min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)
    return sorted[max(0, index)]
}
