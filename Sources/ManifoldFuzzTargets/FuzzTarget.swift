/// The fuzz targets: each a function that takes any bytes and throws `FuzzFailure` when an
/// invariant breaks. The fuzzer executables (`Fuzz/`) run one each under libFuzzer; the corpus
/// tests run every file of `Fuzz/Corpus/<name>` and `Fuzz/Regressions/<name>` through them.
public enum FuzzTarget: String, CaseIterable, Sendable, CustomStringConvertible {
    case graphManifest = "graph-manifest"
    case pluginManifest = "plugin-manifest"
    case artifactType = "artifact-type"
    case wire
    case sse
    case ndjson
    case jsonParser = "json-parser"
    case jsonScanner = "json-scanner"
    case jsonSchema = "json-schema"
    case openAIStream = "openai-stream"
    case anthropicStream = "anthropic-stream"
    case ollamaStream = "ollama-stream"

    /// The name of the target's corpus folders and fuzzer executable (`fuzz-<name>`).
    public var name: String { rawValue }

    public var description: String { rawValue }

    /// Runs the target on `bytes`.
    public func run(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
        switch self {
        case .graphManifest: try fuzzGraphManifest(bytes)
        case .pluginManifest: try fuzzPluginManifest(bytes)
        case .artifactType: try fuzzArtifactType(bytes)
        case .wire: try fuzzWire(bytes)
        case .sse: try fuzzSSE(bytes)
        case .ndjson: try fuzzNDJSON(bytes)
        case .jsonParser: try fuzzJSONParser(bytes)
        case .jsonScanner: try fuzzJSONScanner(bytes)
        case .jsonSchema: try fuzzJSONSchema(bytes)
        case .openAIStream: try fuzzOpenAIStream(bytes)
        case .anthropicStream: try fuzzAnthropicStream(bytes)
        case .ollamaStream: try fuzzOllamaStream(bytes)
        }
    }
}

extension FuzzTarget {
    /// Runs the target on `bytes` (a corpus file's contents).
    public func run(_ bytes: [UInt8]) throws(FuzzFailure) {
        try bytes.withUnsafeBytes { raw in outcome { () throws(FuzzFailure) in try run(raw) } }.get()
    }
}
