import Foundation
import Manifold
import ManifoldBenchKit

/// One round of the NATS comparison: each hop through the transport and through the C client
/// alone, on the same server, with the same 1 KiB payloads, one after the other.
public struct NATSRound: Sendable {
    /// Messages per second: bare client 1→1, transport 1→1, bare relay, transport node.
    public var bareOneToOne, transportOneToOne, bareThroughNode, transportThroughNode: Double

    /// Transport ÷ bare client, 1 → 1.
    public var oneToOneRatio: Double { transportOneToOne / bareOneToOne }
    /// Transport ÷ bare client, through one node.
    public var throughNodeRatio: Double { transportThroughNode / bareThroughNode }

    /// Runs a round of `count` 1 KiB artifacts against the server at `url`.
    public static func measure(url: String, count: Int, payloadBytes: Int = 1024) async throws -> NATSRound {
        // Every id distinct: the stream stores a message id once.
        let inputs = makeInputs(count: count, payloadBytes: payloadBytes, pool: count)
        let ids = inputs.map(\.id.rawValue)
        let payload = inputs[0].payload
        let bare = try BareJetStream(url: url)
        let bareOneToOne = try bare.oneToOne(ids: ids, payload: payload).throughput
        let transportOneToOne = try await NATSTransportScenarios.oneToOne(url: url, inputs: inputs).throughput
        let bareRelay = try BareJetStream(url: url)
        let bareThroughNode = try bareRelay.throughOneNode(ids: ids, payload: payload).throughput
        let transportThroughNode = try await NATSTransportScenarios.throughOneNode(url: url, inputs: inputs).throughput
        return NATSRound(
            bareOneToOne: bareOneToOne, transportOneToOne: transportOneToOne, bareThroughNode: bareThroughNode,
            transportThroughNode: transportThroughNode)
    }
}
