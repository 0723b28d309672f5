import Foundation
import Manifold
import ManifoldWire

/// One thing a journal remembers about a run, in the order it happened.
///
/// Records are kept in segments (a batch each, see `JournalRecorder`); `at` is wall-clock time
/// in nanoseconds since 1970, so a run's records line up with its logs.
public enum JournalRecord: Sendable, Equatable {
    /// An artifact published on a topic: graph inputs as they were fed, every node output.
    case published(Artifact, topic: String, at: UInt64)
    /// Node `node` emitted artifact `output` for its input `input`.
    case emitted(node: String, input: String, output: String, at: UInt64)
    /// Node `node` finished its input `input` after `durationNanos`, successfully or not.
    case settled(node: String, input: String, succeeded: Bool, durationNanos: UInt64, at: UInt64)
    /// Node `node` failed on its input `input`, with the message reported for it.
    case failed(node: String, input: String, message: String, at: UInt64)
    /// An artifact went to `$dead-letter`.
    case deadLettered(artifact: String, reason: String, topic: String, by: String?, detail: String, at: UInt64)
    /// The graph output `output` handed artifact `artifact` to its reader (`manifold run`
    /// printed it), so a resumed run does not show it again.
    case shown(output: String, artifact: String, at: UInt64)
    /// Node `node`'s plugin state for conversation `key` (`manifold.state`), after it settled
    /// an input of that conversation; a resumed run loads the last one of each.
    case snapshot(node: String, key: String, state: Data, at: UInt64)

    /// When it happened (nanoseconds since 1970).
    public var time: UInt64 {
        switch self {
        case .published(_, _, let at), .emitted(_, _, _, let at), .settled(_, _, _, _, let at), .failed(_, _, _, let at),
            .deadLettered(_, _, _, _, _, let at), .shown(_, _, let at), .snapshot(_, _, _, let at):
            at
        }
    }

    private enum Tag: UInt8 {
        case published = 1, emitted, settled, failed, deadLettered, shown, snapshot
    }

    /// Payloads from this size up are stored once per journal, by digest, not in each record:
    /// below it the digest would take about as much room as the bytes.
    static let externalPayloadThreshold = 1024

    /// Appends the record to `writer`; a large payload is left out, with its digest, and
    /// handed to `storePayload` (digest, bytes) instead.
    func encode(into writer: inout JournalBytesWriter, storePayload: (_ digest: [UInt8], _ payload: Data) -> Void) throws(WireError) {
        switch self {
        case .published(let artifact, let topic, let at):
            writer.byte(Tag.published.rawValue)
            writer.uint64(at)
            writer.string(topic)
            if artifact.payload.count >= Self.externalPayloadThreshold {
                let digest = PayloadDigest.sha256(artifact.payload)
                storePayload(digest, artifact.payload)
                writer.byte(1)
                writer.data(digest)
                var withoutPayload = artifact
                withoutPayload.payload = Data()
                writer.data(try WireEncoder().encode(withoutPayload))
            } else {
                writer.byte(0)
                writer.data(try WireEncoder().encode(artifact))
            }
        case .emitted(let node, let input, let output, let at):
            writer.byte(Tag.emitted.rawValue)
            writer.uint64(at)
            writer.string(node)
            writer.string(input)
            writer.string(output)
        case .settled(let node, let input, let succeeded, let duration, let at):
            writer.byte(Tag.settled.rawValue)
            writer.uint64(at)
            writer.string(node)
            writer.string(input)
            writer.byte(succeeded ? 1 : 0)
            writer.uint64(duration)
        case .failed(let node, let input, let message, let at):
            writer.byte(Tag.failed.rawValue)
            writer.uint64(at)
            writer.string(node)
            writer.string(input)
            writer.string(message)
        case .deadLettered(let artifact, let reason, let topic, let by, let detail, let at):
            writer.byte(Tag.deadLettered.rawValue)
            writer.uint64(at)
            writer.string(artifact)
            writer.string(reason)
            writer.string(topic)
            writer.optionalString(by)
            writer.string(detail)
        case .shown(let output, let artifact, let at):
            writer.byte(Tag.shown.rawValue)
            writer.uint64(at)
            writer.string(output)
            writer.string(artifact)
        case .snapshot(let node, let key, let state, let at):
            writer.byte(Tag.snapshot.rawValue)
            writer.uint64(at)
            writer.string(node)
            writer.string(key)
            if state.count >= Self.externalPayloadThreshold {
                let digest = PayloadDigest.sha256(state)
                storePayload(digest, state)
                writer.byte(1)
                writer.data(digest)
            } else {
                writer.byte(0)
                writer.data(state)
            }
        }
    }

    /// The records of one segment, in order; `payload` returns the bytes stored under a digest.
    ///
    /// - Throws: `JournalRecordError` naming the record that does not decode.
    static func decodeSegment(_ bytes: [UInt8], payload: (_ digest: [UInt8]) throws -> Data?) throws -> [JournalRecord] {
        var reader = JournalBytesReader(bytes)
        var records: [JournalRecord] = []
        while !reader.isAtEnd {
            let index = records.count
            do {
                records.append(try decodeOne(&reader, payload: payload))
            } catch let truncated as JournalBytesReader.Truncated {
                throw JournalRecordError(index: index, problem: "its \(truncated.field) is cut short or not UTF-8")
            } catch var error as JournalRecordError {
                error.index = index
                throw error
            } catch let wire as WireError {
                throw JournalRecordError(index: index, problem: "its artifact does not decode: \(wire)")
            }
        }
        return records
    }

    private static func decodeOne(_ reader: inout JournalBytesReader, payload: (_ digest: [UInt8]) throws -> Data?) throws -> JournalRecord {
        let rawTag = try reader.byte("kind")
        guard let tag = Tag(rawValue: rawTag) else { throw JournalRecordError(index: -1, problem: "unknown record kind \(rawTag)") }
        let at = try reader.uint64("time")
        switch tag {
        case .published:
            let topic = try reader.string("topic")
            let external = try reader.byte("payload flag") == 1
            let digest = external ? Array(try reader.data("payload digest")) : nil
            var artifact = try WireDecoder().decodeArtifact(Array(try reader.data("artifact")))
            if let digest {
                guard let bytes = try payload(digest) else {
                    throw JournalRecordError(index: -1, problem: "its payload \(PayloadDigest.hex(digest)) is missing from the journal")
                }
                artifact.payload = bytes
            }
            return .published(artifact, topic: topic, at: at)
        case .emitted:
            return .emitted(node: try reader.string("node"), input: try reader.string("input"), output: try reader.string("output"), at: at)
        case .settled:
            let node = try reader.string("node")
            let input = try reader.string("input")
            let succeeded = try reader.byte("outcome") == 1
            return .settled(node: node, input: input, succeeded: succeeded, durationNanos: try reader.uint64("duration"), at: at)
        case .failed:
            return .failed(node: try reader.string("node"), input: try reader.string("input"), message: try reader.string("message"), at: at)
        case .deadLettered:
            let artifact = try reader.string("artifact")
            let reason = try reader.string("reason")
            let topic = try reader.string("topic")
            let by = try reader.optionalString("subscriber")
            return .deadLettered(artifact: artifact, reason: reason, topic: topic, by: by, detail: try reader.string("detail"), at: at)
        case .shown:
            return .shown(output: try reader.string("output"), artifact: try reader.string("artifact"), at: at)
        case .snapshot:
            let node = try reader.string("node")
            let key = try reader.string("key")
            let external = try reader.byte("state flag") == 1
            let bytes = try reader.data(external ? "state digest" : "state")
            guard external else { return .snapshot(node: node, key: key, state: Data(bytes), at: at) }
            guard let state = try payload(Array(bytes)) else {
                throw JournalRecordError(index: -1, problem: "its state \(PayloadDigest.hex(Array(bytes))) is missing from the journal")
            }
            return .snapshot(node: node, key: key, state: state, at: at)
        }
    }
}

/// A stored record that does not decode.
struct JournalRecordError: Error, CustomStringConvertible {
    /// Its place in its segment (-1 when not yet known).
    var index: Int
    var problem: String

    var description: String { index >= 0 ? "record \(index) of its segment: \(problem)" : problem }
}
