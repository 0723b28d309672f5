// The wire codec outside the benchmark harness: `manifold-wire-probe [rounds]`.
// Encodes and decodes an artifact (id, origin, correlation id, two metadata entries, one a
// traceparent) with a 16-byte and a 64 KiB payload, and in the same rounds two baselines:
// copying the payload alone (the floor any codec pays) and the envelope through
// Foundation's JSONEncoder/JSONDecoder (what a transport without a codec of its own would do).
// Prints the median ns per artifact and each figure's ratio to the payload copy.
import Foundation
import Manifold
import ManifoldWire

struct Envelope: Codable {
    var id: String, type: String, origin: String?, correlation: String?, createdAt: Date
    var metadata: [String: String], payload: Data
}

let rounds = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 7

func artifact(payloadBytes: Int) -> Artifact {
    Artifact(
        type: .octetStream, payload: Data((0..<payloadBytes).map { UInt8(truncatingIfNeeded: $0) }),
        metadata: ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "stage": "parse"],
        origin: "reader", correlationID: "conversation-42")
}

/// Median ns per call of `body`, over `rounds` rounds of `count` calls.
func nanos(_ count: Int, _ body: () throws -> Void) rethrows -> Double {
    var figures: [Double] = []
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        for _ in 0..<count { try body() }
        let elapsed = ContinuousClock.now - start
        figures.append(Double(elapsed.components.attoseconds) / 1e9 / Double(count) + Double(elapsed.components.seconds) * 1e9 / Double(count))
    }
    return figures.sorted()[figures.count / 2]
}

let encoder = WireEncoder(), decoder = WireDecoder()
for (label, size, count) in [("16 B", 16, 200_000), ("64 KiB", 65_536, 20_000)] {
    let sample = artifact(payloadBytes: size)
    let frame = try encoder.encode(sample)
    let envelope = Envelope(
        id: sample.id.rawValue, type: sample.type.description, origin: sample.origin, correlation: sample.correlationID,
        createdAt: sample.createdAt, metadata: sample.metadata, payload: sample.payload)
    let json = try JSONEncoder().encode(envelope)
    let copy = nanos(count) { blackHole([UInt8](sample.payload)) }
    let encode = try nanos(count) { blackHole(try encoder.encode(sample)) }
    let decode = try nanos(count) { blackHole(try decoder.decodeArtifact(frame)) }
    let jsonEncode = try nanos(count / 4) { blackHole(try JSONEncoder().encode(envelope)) }
    let jsonDecode = try nanos(count / 4) { blackHole(try JSONDecoder().decode(Envelope.self, from: json)) }
    print(String(format: "%-7@ payload copy %8.0f ns | wire encode %8.0f ns (%.1f× copy, %.2f× JSON) decode %8.0f ns (%.1f× copy, %.2f× JSON) | JSON encode %8.0f decode %8.0f ns; frame %d B",
        label as NSString, copy, encode, encode / copy, encode / jsonEncode, decode, decode / copy, decode / jsonDecode,
        jsonEncode, jsonDecode, frame.count))
}

@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }
