/// Tokens one call consumed, as the provider counted them.
public struct Usage: Sendable, Hashable, Codable {
    /// Tokens of the prompt, including any the provider served from a cache.
    public var inputTokens: Int
    /// Tokens the model generated.
    public var outputTokens: Int

    /// Creates a usage record.
    public init(inputTokens: Int, outputTokens: Int) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    /// Input plus output tokens.
    public var totalTokens: Int { inputTokens + outputTokens }
}
