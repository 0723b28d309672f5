import Foundation

extension Artifact {
    /// Makes a `text/plain` (or other text type) artifact from a string, stored as UTF-8.
    public static func text(
        _ text: String,
        type: ArtifactType = .plainText,
        metadata: [String: String] = [:],
        origin: String? = nil,
        correlationID: String? = nil
    ) -> Artifact {
        Artifact(
            type: type, payload: Data(utf8Of: text), metadata: metadata, origin: origin,
            correlationID: correlationID)
    }

    /// Makes an artifact whose payload is the JSON encoding of `value`.
    ///
    /// - Parameter type: the artifact type; `application/json` unless a more precise one is given.
    public static func json<Value: Encodable>(
        _ value: Value,
        type: ArtifactType = .json,
        metadata: [String: String] = [:],
        origin: String? = nil,
        correlationID: String? = nil
    ) throws -> Artifact {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload: Data
        do {
            payload = try encoder.encode(value)
        } catch {
            throw ArtifactPayloadError.encodingFailed(type: type, valueType: "\(Value.self)", reason: "\(error)")
        }
        return Artifact(
            type: type, payload: payload, metadata: metadata, origin: origin, correlationID: correlationID)
    }

    /// The payload read as UTF-8 text. Invalid sequences are replaced, never fatal.
    public var text: String {
        String(decoding: payload, as: UTF8.self)
    }

    /// Decodes a JSON payload, checking first that the artifact's type is one `expected` accepts.
    ///
    /// - Throws: `ArtifactPayloadError.typeMismatch` when the artifact is of another type, and
    ///   `ArtifactPayloadError.decodingFailed` when the bytes are not the expected JSON.
    public func decode<Value: Decodable>(
        _: Value.Type, expecting expected: ArtifactTypeSet = [.json]
    ) throws -> Value {
        guard expected.accepts(type) else {
            throw ArtifactPayloadError.typeMismatch(artifact: id, actual: type, expected: expected)
        }
        do {
            return try JSONDecoder().decode(Value.self, from: payload)
        } catch {
            throw ArtifactPayloadError.decodingFailed(
                artifact: id, type: type, valueType: "\(Value.self)", reason: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return "\(error)"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        var path = "$"
        for key in codingPath {
            if let index = key.intValue { path += "[\(index)]" } else { path += ".\(key.stringValue)" }
        }
        return path
    }
}

/// Why an artifact's payload could not be made or read.
public enum ArtifactPayloadError: Error, CustomStringConvertible, Equatable {
    /// The artifact is not of a type the reader expects.
    case typeMismatch(artifact: ArtifactID, actual: ArtifactType, expected: ArtifactTypeSet)
    /// The payload is not valid for the expected value type.
    case decodingFailed(artifact: ArtifactID, type: ArtifactType, valueType: String, reason: String)
    /// The value could not be encoded as JSON.
    case encodingFailed(type: ArtifactType, valueType: String, reason: String)

    public var description: String {
        switch self {
        case .typeMismatch(let artifact, let actual, let expected):
            return "artifact \(artifact) is of type \(actual), but the reader expects \(expected); "
                + "route only matching artifacts here or widen the accepted types"
        case .decodingFailed(let artifact, let type, let valueType, let reason):
            return "artifact \(artifact) (\(type)) does not decode as \(valueType): \(reason)"
        case .encodingFailed(let type, let valueType, let reason):
            return "cannot encode \(valueType) as a \(type) payload: \(reason)"
        }
    }
}

extension Data {
    /// The UTF-8 bytes of `text`, copied straight from its storage: `Data(text.utf8)` goes
    /// through the generic sequence initializer, whose dynamic casts cost more than the copy.
    init(utf8Of text: String) {
        var text = text
        self = text.withUTF8 { Data(buffer: $0) }
    }
}
