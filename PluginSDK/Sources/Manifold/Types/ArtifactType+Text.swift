extension ArtifactType {
    /// Whether an artifact of this type holds text meant to be read as such, rather than bytes
    /// whose every value matters (`application/gzip`, `image/png`, `application/octet-stream`).
    ///
    /// Text types are `text/*`; JSON, XML and YAML, by subtype (`application/json`,
    /// `application/x-ndjson`, `application/yaml`) or structured-syntax suffix
    /// (`application/vnd.acme+json`, `image/svg+xml`); Manifold's own JSON families `chat/*`,
    /// `tool/*` and `manifold/*`; and any type that names a `charset` parameter, which only text
    /// has. Everything else, wildcards included, is binary. `manifold run` prints text types as
    /// lines and writes every other type byte for byte.
    public var isText: Bool {
        if type == "text" || Self.textFamilies.contains(type) { return true }
        if parameters["charset"] != nil { return true }
        if Self.textSubtypes.contains(subtype) { return true }
        if let suffix, Self.textSuffixes.contains(suffix) { return true }
        return false
    }

    /// Top-level types whose payloads are JSON by the contracts of this project.
    private static let textFamilies: Set<String> = ["chat", "tool", "manifold"]
    /// Subtypes of any top-level type that are textual formats.
    private static let textSubtypes: Set<String> = [
        "json", "x-ndjson", "jsonl", "ndjson", "xml", "yaml", "x-yaml", "javascript", "ecmascript", "csv", "toml",
    ]
    /// Structured-syntax suffixes (RFC 6839) of textual formats.
    private static let textSuffixes: Set<String> = ["json", "json-seq", "xml", "yaml"]
}
