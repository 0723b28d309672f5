import Foundation
import Manifold

/// Inputs shared by a scenario and its baselines: `count` artifacts cycling through a pool of
/// distinct ones (distinct ids and refcounted storage, so the run is not one hot object).
public func makeInputs(count: Int, payloadBytes: Int = 16, pool: Int = 4096) -> [Artifact] {
    let payload = Data(repeating: 0x61, count: payloadBytes)  // shared by all: fan-out never copies it
    let distinct = (0..<min(pool, count)).map { index in
        var payload = payload
        if payloadBytes <= 64 { payload[0] = UInt8(truncatingIfNeeded: index) }  // its own storage
        return Artifact(type: .plainText, payload: payload)
    }
    return (0..<count).map { distinct[$0 % distinct.count] }
}

/// Splits inputs into the arrays a batching producer would hold (made before the clock starts).
public func chunk(_ inputs: [Artifact], size: Int) -> [[Artifact]] {
    stride(from: 0, to: inputs.count, by: size).map { Array(inputs[$0..<min($0 + size, inputs.count)]) }
}

/// `inputs` in `parts` consecutive slices, one per producer; the last takes the remainder.
public func split(_ inputs: [Artifact], into parts: Int) -> [ArraySlice<Artifact>] {
    let share = inputs.count / parts
    return (0..<parts).map { part in inputs[(part * share)..<(part == parts - 1 ? inputs.count : (part + 1) * share)] }
}

/// Time from the first element written to the last element read, and how many were read.
public struct Measured: Sendable {
    public var elapsed: Duration
    public var items: Int

    public init(elapsed: Duration, items: Int) {
        self.elapsed = elapsed
        self.items = items
    }

    public var seconds: Double { Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds) }
    /// Items per second.
    public var throughput: Double { Double(items) / seconds }
    /// Nanoseconds per item.
    public var nanosPerItem: Double { seconds * 1e9 / Double(items) }
}

public enum BenchError: Error, CustomStringConvertible {
    case lost(expected: Int, got: Int)
    case missing(String)

    public var description: String {
        switch self {
        case .lost(let expected, let got): return "expected \(expected) artifacts, read \(got)"
        case .missing(let what): return what
        }
    }
}

// MARK: Baselines

/// Baseline: a plain `AsyncStream` pipe, one producer task, one consumer task.
public func asyncStreamPipe(_ inputs: [Artifact], producers: Int = 1) async throws -> Measured {
    let (stream, continuation) = AsyncStream.makeStream(of: Artifact.self, bufferingPolicy: .unbounded)
    let start = ContinuousClock.now
    let read = try await withThrowingTaskGroup(of: Int.self) { group in
        group.addTask {
            var count = 0
            for await artifact in stream {
                consume(artifact)
                count += 1
            }
            return count
        }
        try await withThrowingTaskGroup(of: Void.self) { writers in
            for slice in split(inputs, into: producers) {
                writers.addTask { for artifact in slice { continuation.yield(artifact) } }
            }
            try await writers.waitForAll()
        }
        continuation.finish()
        return try await group.next()!
    }
    let elapsed = ContinuousClock.now - start
    guard read == inputs.count else { throw BenchError.lost(expected: inputs.count, got: read) }
    return Measured(elapsed: elapsed, items: read)
}

/// Baseline: a lock-protected bounded ring buffer between OS threads, no routing.
public func lockedRingHandoff(_ inputs: [Artifact], capacity: Int = 1024, producers: Int = 1) -> Measured {
    let ring = LockedRing<Artifact>(capacity: capacity)
    let start = ContinuousClock.now
    let reader = JoinableThread {
        for _ in 0..<inputs.count { consume(ring.pop()) }
    }
    let writers = split(inputs, into: producers).map { slice in
        JoinableThread { for artifact in slice { ring.push(artifact) } }
    }
    for writer in writers { writer.join() }
    reader.join()
    return Measured(elapsed: ContinuousClock.now - start, items: inputs.count)
}

// MARK: Hub

/// How a hub scenario publishes and reads.
public enum HubMode: Sendable {
    /// `publish(_:to:)` per artifact; the reader iterates the subscription.
    case perArtifact
    /// `publish(contentsOf:to:)` with batches of this size; the reader takes whole batches from
    /// `Buffer.nextBatch` and settles them.
    case batched(Int)
}

/// Drains a subscription; returns how many artifacts it read.
func drain(_ subscription: Subscription, batched: Bool) async throws -> Int {
    var count = 0
    if batched {
        while let batch = try await subscription.buffer.nextBatch() {
            count += batch.count
            consume(batch)
            subscription.settle(batch.count)
        }
    } else {
        for try await artifact in subscription {
            consume(artifact)
            count += 1
        }
    }
    return count
}

/// Publishers → hub topic → `subscribers` subscriptions, each drained by its own task.
/// `inputs` are split between `publishers` publishing tasks. Returns deliveries counted
/// over all subscribers (`inputs.count × subscribers`).
public func hubRun(
    _ inputs: [Artifact], mode: HubMode, subscribers: Int = 1, publishers: Int = 1, capacity: Int = 1024
) async throws -> Measured {
    let hub = Hub(options: HubOptions(capacity: capacity))
    let topic = try Topic("bench.in")
    let subscriptions = (0..<subscribers).map { index in
        hub.subscribe([TopicPattern(exactly: topic)], name: "sink-\(index)")
    }
    let slices = split(inputs, into: publishers).map(Array.init)
    let batches: [[[Artifact]]]
    let isBatched: Bool
    if case .batched(let size) = mode {
        isBatched = true
        batches = slices.map { chunk($0, size: size) }
    } else {
        isBatched = false
        batches = []
    }
    let start = ContinuousClock.now
    let read = try await withThrowingTaskGroup(of: Int.self) { group in
        for subscription in subscriptions {
            group.addTask { try await drain(subscription, batched: isBatched) }
        }
        try await withThrowingTaskGroup(of: Void.self) { writers in
            for writer in 0..<publishers {
                if isBatched {
                    let mine = batches[writer]
                    writers.addTask { for batch in mine { try await hub.publish(contentsOf: batch, to: topic) } }
                } else {
                    let mine = slices[writer]
                    writers.addTask { for artifact in mine { try await hub.publish(artifact, to: topic) } }
                }
            }
            try await writers.waitForAll()
        }
        hub.close()
        var total = 0
        for try await count in group { total += count }
        return total
    }
    let elapsed = ContinuousClock.now - start
    guard read == inputs.count * subscribers else { throw BenchError.lost(expected: inputs.count * subscribers, got: read) }
    return Measured(elapsed: elapsed, items: read)
}
