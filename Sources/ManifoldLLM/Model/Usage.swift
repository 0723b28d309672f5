/// Tokens one call consumed, as the provider counted them.
///
/// `inputTokens` is the whole prompt, the cached part included, for every provider: OpenAI's
/// `prompt_tokens`; Anthropic's `input_tokens + cache_creation_input_tokens +
/// cache_read_input_tokens` (its `input_tokens` alone counts only the tokens after the last
/// cache breakpoint; the official SDKs add the three for the total input); Ollama's
/// `prompt_eval_count`. The cache counts say which part of it was read from or written to a
/// prompt cache; `nil` when the provider reported none.
public struct Usage: Sendable, Hashable, Codable {
    /// Tokens of the prompt, including any the provider read from or wrote to a cache.
    public var inputTokens: Int
    /// Tokens the model generated.
    public var outputTokens: Int
    /// The part of `inputTokens` read from a prompt cache (Anthropic's
    /// `cache_read_input_tokens`, OpenAI's `prompt_tokens_details.cached_tokens`).
    public var cacheReadInputTokens: Int?
    /// The part of `inputTokens` written to a prompt cache (Anthropic's
    /// `cache_creation_input_tokens`; billed above the normal input price).
    public var cacheCreationInputTokens: Int?

    /// Creates a usage record.
    public init(inputTokens: Int, outputTokens: Int, cacheReadInputTokens: Int? = nil, cacheCreationInputTokens: Int? = nil) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
    }

    /// Input plus output tokens.
    public var totalTokens: Int { inputTokens + outputTokens }
}
