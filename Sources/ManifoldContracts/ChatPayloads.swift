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
    /// A payload of the contract encoded as the artifact's JSON body.
    ///
    /// Encoding these plain structs cannot fail; should it ever, the artifact carries the
    /// encoder's error as text rather than trapping.
    public static func contract(
        _ payload: some Encodable, type: ArtifactType, metadata: [String: String] = [:], correlationID: String? = nil
    ) -> Artifact {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body: Data
        do { body = try encoder.encode(payload) } catch { body = Data("\(error)".utf8) }
        return Artifact(type: type, payload: body, metadata: metadata, correlationID: correlationID)
    }
}
