import Foundation
import Manifold
import ManifoldJSON

/// `chat/delta`: one streamed piece of a model's answer, in order.
///
/// ```json
/// {"text": "Hel"}
/// ```
public struct ChatDelta: Sendable, Hashable, Codable {
    /// The piece of text.
    public var text: String

    /// A delta.
    public init(text: String) {
        self.text = text
    }

    /// Reads a `chat/delta` artifact.
    ///
    /// - Throws: `ArtifactPayloadError` for another type or a payload of another shape.
    public init(decoding artifact: Artifact) throws {
        self = try artifact.decode(ChatDelta.self, expecting: [.chatDelta])
    }
}

/// `chat/message`: a whole message of a conversation.
///
/// ```json
/// {"role": "assistant", "content": "The answer is 1024."}
/// ```
public struct ChatMessagePayload: Sendable, Hashable, Codable {
    /// `user`, `assistant` or `system`; readers of user turns may allow it to be omitted.
    public var role: String?
    /// The message's text.
    public var content: String

    /// A message.
    public init(role: String?, content: String) {
        self.role = role
        self.content = content
    }

    /// Reads a `chat/message` artifact.
    ///
    /// - Throws: `ArtifactPayloadError` for another type or a payload of another shape.
    public init(decoding artifact: Artifact) throws {
        self = try artifact.decode(ChatMessagePayload.self, expecting: [.chatMessage])
    }
}

extension Artifact {
    /// A payload of the contract as the artifact's JSON body (`Artifact.json`, which cannot
    /// fail for these: strings, booleans and `JSONValue`s, whose non-finite numbers encode as
    /// null). Should it ever fail, the artifact is an `application/json` error object naming
    /// the payload, not a payload of the contract's type with broken content.
    public static func contract<Payload: Encodable>(
        _ payload: Payload, type: ArtifactType, metadata: [String: String] = [:], correlationID: String? = nil
    ) -> Artifact {
        do {
            return try .json(payload, type: type, metadata: metadata, correlationID: correlationID)
        } catch {
            let report = ["error": "could not encode a \(Payload.self) as \(type): \(error)"]
            return (try? .json(report, metadata: metadata, correlationID: correlationID)) ?? Artifact(type: .json, correlationID: correlationID)
        }
    }
}
