import Foundation
import Manifold

/// An artifact as a NATS message: the envelope in headers, the payload as the body
/// (docs/wire.md, "Artifacts on NATS"), so a client in any language can publish into a graph
/// and read from it.
public enum NATSEnvelope {
    /// The header names.
    public enum Header {
        public static let id = "Manifold-Id"
        public static let type = "Manifold-Type"
        public static let origin = "Manifold-Origin"
        public static let correlationID = "Manifold-Correlation-Id"
        /// Nanoseconds since 1970-01-01T00:00:00Z, in decimal.
        public static let createdAt = "Manifold-Created-At"
        /// The metadata as one JSON object of strings (metadata keys need not be header-safe).
        public static let metadata = "Manifold-Metadata"
        /// The artifact id again: NATS JetStream drops a message whose id it saw recently.
        public static let messageID = "Nats-Msg-Id"
    }

    /// The message publishing `artifact` on `subject`.
    public static func message(for artifact: Artifact, subject: String) -> NATSMessage {
        var headers = [
            Header.id: artifact.id.rawValue,
            Header.messageID: artifact.id.rawValue,
            Header.type: artifact.type.description,
            Header.createdAt: String(Int64((artifact.createdAt.timeIntervalSince1970 * 1e9).rounded())),
        ]
        if let origin = artifact.origin { headers[Header.origin] = origin }
        if let correlation = artifact.correlationID { headers[Header.correlationID] = correlation }
        if !artifact.metadata.isEmpty { headers[Header.metadata] = jsonObject(artifact.metadata) }
        return NATSMessage(subject: subject, headers: headers, body: artifact.payload)
    }

    /// `metadata` as a compact JSON object with sorted keys. Written here rather than with
    /// `JSONEncoder`, which cost more than the rest of a publish together.
    static func jsonObject(_ metadata: [String: String]) -> String {
        var text = "{"
        for (index, key) in metadata.keys.sorted().enumerated() {
            if index > 0 { text += "," }
            appendJSONString(key, to: &text)
            text += ":"
            appendJSONString(metadata[key]!, to: &text)
        }
        return text + "}"
    }

    private static func appendJSONString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    /// The artifact a message carries.
    ///
    /// - Throws: `NATSEnvelopeError` when the message has no `Manifold-Type`, or a header that
    ///   does not parse. A message without `Manifold-Id` gets a new id; without
    ///   `Manifold-Created-At`, the time it arrived.
    public static func artifact(from message: NATSMessage) throws(NATSEnvelopeError) -> Artifact {
        guard let typeText = message.headers[Header.type] else {
            throw NATSEnvelopeError(subject: message.subject, problem: "has no \(Header.type) header; set it to the payload's type, e.g. text/plain")
        }
        let type: ArtifactType
        do {
            type = try ArtifactType(parsing: typeText)
        } catch {
            throw NATSEnvelopeError(subject: message.subject, problem: "has a \(Header.type) that is no type: \(error)")
        }
        var metadata: [String: String] = [:]
        if let text = message.headers[Header.metadata] {
            guard let decoded = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else {
                throw NATSEnvelopeError(subject: message.subject, problem: "has a \(Header.metadata) header that is not a JSON object of strings")
            }
            metadata = decoded
        }
        var createdAt = Date()
        if let text = message.headers[Header.createdAt] {
            guard let nanoseconds = Int64(text) else {
                throw NATSEnvelopeError(subject: message.subject, problem: "has a \(Header.createdAt) that is not a whole number of nanoseconds since 1970")
            }
            createdAt = Date(timeIntervalSince1970: Double(nanoseconds) / 1e9)
        }
        return Artifact(
            id: message.headers[Header.id].map { ArtifactID($0) } ?? ArtifactID(), type: type, payload: message.body, metadata: metadata,
            createdAt: createdAt, origin: message.headers[Header.origin], correlationID: message.headers[Header.correlationID])
    }
}

/// A NATS message on one of a run's subjects that is no artifact.
public struct NATSEnvelopeError: Error, CustomStringConvertible, Sendable {
    public let subject: String
    public let problem: String

    public var description: String { "the NATS message on \(subject) \(problem)" }
}
