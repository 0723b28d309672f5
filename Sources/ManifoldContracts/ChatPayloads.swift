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
    /// One arrives per streamed token, so the payload is read by `JSONScanner` rather than
    /// `JSONDecoder`; anything the scanner declines (another shape, invalid JSON) goes the
    /// decoder's way, which accepts and refuses what it always did and says why.
    ///
    /// - Throws: `ArtifactPayloadError` for another type or a payload of another shape.
    public init(decoding artifact: Artifact) throws {
        if artifact.type == .chatDelta, let text = Self.text(inPayload: artifact.payload) {
            self.init(text: text)
            return
        }
        self = try artifact.decode(ChatDelta.self, expecting: [.chatDelta])
    }

    /// The payload, `{"text":"…"}`, written directly: one is made per streamed token, and
    /// `JSONEncoder` costs microseconds each. The text is escaped as `JSONValue.serialized()`
    /// escapes strings.
    public var payload: Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 12)
        bytes.append(contentsOf: #"{"text":"#.utf8)
        JSONValue.appendJSONString(text, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return Data(bytes)
    }

    /// The `chat/delta` artifact of this delta.
    public func artifact(metadata: [String: String] = [:], correlationID: String? = nil) -> Artifact {
        Artifact(type: .chatDelta, payload: payload, metadata: metadata, correlationID: correlationID)
    }

    /// The `text` member of a delta payload, when `JSONScanner` reads it as one; members
    /// other than `text` are skipped, as the decoder skips them.
    static func text(inPayload payload: Data) -> String? {
        var text: String?
        let read = payload.withUnsafeBytes { bytes in
            JSONScanner.scan(bytes) { scanner in
                scanner.object { name, scanner in
                    guard name == "text" else { return scanner.skip() }
                    text = scanner.string()
                    return text != nil
                }
            }
        }
        return read ? text : nil
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

    /// Reads a `chat/message` artifact; like `ChatDelta(decoding:)`, by `JSONScanner` first,
    /// then by the decoder when the scanner declines.
    ///
    /// - Throws: `ArtifactPayloadError` for another type or a payload of another shape.
    public init(decoding artifact: Artifact) throws {
        if artifact.type == .chatMessage, let message = Self.scanned(artifact.payload) {
            self = message
            return
        }
        self = try artifact.decode(ChatMessagePayload.self, expecting: [.chatMessage])
    }

    /// The message in `payload` when `JSONScanner` reads it: a string `content`, a string or
    /// null `role` or none, other members skipped.
    private static func scanned(_ payload: Data) -> ChatMessagePayload? {
        var role: String?
        var content: String?
        let read = payload.withUnsafeBytes { bytes in
            JSONScanner.scan(bytes) { scanner in
                scanner.object { name, scanner in
                    if name == "content" {
                        content = scanner.string()
                        return content != nil
                    }
                    guard name == "role" else { return scanner.skip() }
                    if scanner.null() { return true }
                    role = scanner.string()
                    return role != nil
                }
            }
        }
        guard read, let content else { return nil }
        return ChatMessagePayload(role: role, content: content)
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
