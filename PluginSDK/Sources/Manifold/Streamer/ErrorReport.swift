import Foundation

/// The payload of a `manifold/error` artifact: what a node publishes on `$errors` when it
/// fails. A JSON object; readers decode it with `ErrorReport(decoding:)` instead of picking
/// keys out of a map.
///
/// ```json
/// {"node": "fetch", "message": "HTTP 503 from api.example.com", "input": "01J…", "inputType": "text/plain"}
/// ```
public struct ErrorReport: Sendable, Hashable, Codable {
    /// The node that failed.
    public var node: String
    /// What went wrong, as the error described itself.
    public var message: String
    /// The id of the input being processed, if the failure was on an input (a source failing
    /// on its own has none).
    public var input: String?
    /// That input's type.
    public var inputType: String?

    /// A report.
    public init(node: String, message: String, input: String? = nil, inputType: String? = nil) {
        self.node = node
        self.message = message
        self.input = input
        self.inputType = inputType
    }

    /// The report of a node's failure on an input.
    public init(_ failure: ProcessingFailure) {
        self.init(node: failure.node, message: failure.message, input: failure.input.rawValue, inputType: failure.inputType.description)
    }

    /// Reads the report an error artifact carries.
    ///
    /// - Throws: `ArtifactPayloadError` when the artifact is not `manifold/error` or its
    ///   payload is not a report.
    public init(decoding artifact: Artifact) throws {
        self = try artifact.decode(ErrorReport.self, expecting: [.error])
    }
}

extension Artifact {
    /// The `manifold/error` artifact for a report. Metadata names the node (and the input), so
    /// readers can route it without parsing the payload; its correlation id is `correlationID`
    /// (the failed input's, so the error joins that input's conversation or request).
    public static func errorReport(_ report: ErrorReport, correlationID: String? = nil) -> Artifact {
        // Strings and optionals of strings always encode; the text fallback is for the impossible.
        var artifact = (try? Artifact.json(report, type: .error, origin: report.node, correlationID: correlationID))
            ?? Artifact.text(report.message, type: .error, origin: report.node, correlationID: correlationID)
        artifact.metadata[MetadataKey.errorNode] = report.node
        if let input = report.input { artifact.metadata[MetadataKey.errorInput] = input }
        return artifact
    }

    /// The error artifact of a node failing, on `input` or (`nil`) on its own.
    public static func errorReport(node: String, message: String, input: Artifact?) -> Artifact {
        errorReport(
            ErrorReport(node: node, message: message, input: input?.id.rawValue, inputType: input?.type.description),
            correlationID: input.map { $0.correlationID ?? $0.id.rawValue })
    }
}
