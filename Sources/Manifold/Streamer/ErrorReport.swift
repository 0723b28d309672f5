extension Artifact {
    /// The `manifold/error` artifact a node publishes on `$errors` when it fails: a JSON
    /// object with `node` and `message`, plus `input` and `inputType` when the failure was
    /// processing an input (a source failing on its own has none). Metadata names the node
    /// (and the input), so readers need not parse the payload to route it.
    public static func errorReport(node: String, message: String, input: Artifact?) -> Artifact {
        var payload = ["node": node, "message": message]
        if let input {
            payload["input"] = input.id.rawValue
            payload["inputType"] = input.type.description
        }
        // A [String: String] always encodes, so this cannot fail.
        var report = (try? Artifact.json(payload, type: .error, origin: node, correlationID: input.map { $0.correlationID ?? $0.id.rawValue }))
            ?? Artifact.text(message, type: .error, origin: node)
        report.metadata[MetadataKey.errorNode] = node
        if let input { report.metadata[MetadataKey.errorInput] = input.id.rawValue }
        return report
    }
}
