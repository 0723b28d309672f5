/// The wire formats a configuration can choose.
public enum ProviderKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// OpenAI Chat Completions and compatible servers.
    case openai
    /// Anthropic Messages.
    case anthropic
    /// Ollama's native `/api/chat`.
    case ollama
    /// The offline `ScriptedProvider`.
    case scripted

    /// Decodes a kind, naming the valid ones when the value is unknown.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let kind = ProviderKind(rawValue: name) else {
            let valid = ProviderKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown provider '\(name)'; expected one of \(valid)")
        }
        self = kind
    }
}
