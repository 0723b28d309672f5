import Foundation
import Manifold
import ManifoldBenchKit
import ManifoldNATS

/// The same hops as `BareJetStream`, through a hub on the JetStream transport: artifacts as
/// envelopes, consumers read by the transport's pull readers, settled by the reader (or by a
/// Streamer, which publishes its outputs before its inputs are acknowledged).
public enum NATSTransportScenarios {
    /// A hub on a JetStream transport of its own run on `url`.
    static func hub(url: String, capacity: Int) throws -> Hub {
        let transport = try JetStreamTransport(
            server: NATSServerURL(url), subjects: NATSSubjects(graph: "bench", run: UUID().uuidString.prefix(12).lowercased()),
            role: .coordinator, settings: JetStreamRunSettings(capacity: capacity))
        return Hub(options: HubOptions(capacity: capacity, policy: .block, transport: transport))
    }

    /// Reads `count` artifacts from `subscription`, settling each batch once read.
    static func drain(_ subscription: Subscription, count: Int) async throws -> Int {
        var iterator = subscription.makeAsyncIterator(settlingAutomatically: false)
        var batch: [Artifact] = []
        var read = 0
        while read < count, let artifact = try await iterator.next() {
            batch.append(artifact)
            read += 1
            if iterator.readAheadCount == 0 || read == count {
                subscription.settle(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        return read
    }

    /// 1 → 1: `inputs` published in batches of `batch` on one topic, read by one subscription.
    public static func oneToOne(url: String, inputs: [Artifact], batch: Int = 256) async throws -> Measured {
        let hub = try hub(url: url, capacity: batch)
        let topic = try Topic("t")
        let reader = hub.subscribe([TopicPattern(exactly: topic)], name: "reader")
        let batches = chunk(inputs, size: batch)
        let start = ContinuousClock.now
        let read = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await drain(reader, count: inputs.count) }
            for artifacts in batches { try await hub.publish(contentsOf: artifacts, to: topic) }
            return try await group.next()!
        }
        let elapsed = ContinuousClock.now - start
        hub.close()
        await hub.shutdown()
        guard read == inputs.count else { throw BenchError.lost(expected: inputs.count, got: read) }
        return Measured(elapsed: elapsed, items: read)
    }

    /// Through one node: published on `a`, a Streamer passing each payload on as a new
    /// artifact to `b` (output ids derived from input ids, as on a broker), one subscription on `b`.
    /// Its inputs are acknowledged once their outputs are stored, as the bare relay does.
    public static func throughOneNode(url: String, inputs: [Artifact], batch: Int = 256) async throws -> Measured {
        let hub = try hub(url: url, capacity: batch)
        let (a, b) = (try Topic("a"), try Topic("b"))
        let relay = Streamer(
            name: "relay",
            generator: ClosureGenerator(ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { input, context in
                // All at once, as a plugin that finishes its input synchronously emits (a native one's
                // outputs come this way): held while more inputs are queued, published together.
                try await context.emit(contentsOf: [Artifact(type: .plainText, payload: input.payload)])
            },
            subscribeTo: [TopicPattern(exactly: a)], output: b, hub: hub,
            options: StreamerOptions(inputCapacity: batch, derivesOutputIDs: true))
        try relay.connect()
        let reader = hub.subscribe([TopicPattern(exactly: b)], name: "reader")
        let batches = chunk(inputs, size: batch)
        let start = ContinuousClock.now
        let read = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                _ = try await relay.run()
                return -1
            }
            group.addTask { try await drain(reader, count: inputs.count) }
            for artifacts in batches { try await hub.publish(contentsOf: artifacts, to: a) }
            var read = 0
            while let finished = try await group.next() {
                if finished >= 0 {
                    read = finished
                    break
                }
            }
            hub.close()
            try await group.waitForAll()
            return read
        }
        let elapsed = ContinuousClock.now - start
        await relay.shutdown()
        await hub.shutdown()
        guard read == inputs.count else { throw BenchError.lost(expected: inputs.count, got: read) }
        return Measured(elapsed: elapsed, items: read)
    }
}
