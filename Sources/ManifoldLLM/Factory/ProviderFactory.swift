import Foundation

/// Builds providers from configurations.
public enum ProviderFactory {
    /// The provider `config` describes, with its key read from `environment`.
    ///
    /// A key is required when the configuration names `apiKeyEnv`, or when it talks to
    /// OpenAI's or Anthropic's own API (the default base URL); a compatible local server
    /// (Ollama's `/v1`, vLLM, …) at another URL works without one.
    public static func make(
        _ config: ProviderConfig,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any ChatProvider {
        if config.provider != .openai {
            for (key, value) in [("reasoning", config.reasoning.map { "\($0)" }), ("reasoningEffort", config.reasoningEffort)]
            where value != nil {
                throw ProviderError.invalidConfiguration(
                    "\(config.provider.rawValue): \"\(key)\" applies only to provider \"openai\"; remove it")
            }
        }
        if config.provider == .scripted, config.extraBody != nil {
            throw ProviderError.invalidConfiguration("scripted: \"extraBody\" has no effect on a scripted provider; remove it")
        }
        if let effort = config.reasoningEffort, effort.isEmpty {
            throw ProviderError.invalidConfiguration("openai: \"reasoningEffort\" must not be empty (e.g. \"low\", \"medium\", \"high\")")
        }
        try checkExtraBody(config.extraBody ?? [:], kind: config.provider)
        switch config.provider {
        case .scripted:
            guard let script = config.script, !script.isEmpty else {
                throw ProviderError.invalidConfiguration("scripted: \"script\" must list at least one turn")
            }
            for (index, turn) in script.enumerated() where turn.text == nil && (turn.toolCalls ?? []).isEmpty {
                throw ProviderError.invalidConfiguration("scripted: turn \(index + 1) has neither \"text\" nor \"toolCalls\"")
            }
            return ScriptedProvider(script: script, chunkDelayMilliseconds: config.chunkDelayMilliseconds ?? 0)
        case .openai:
            let settings = try settings(
                config, environment: environment,
                defaultBaseURL: OpenAIChatProvider.defaultBaseURL,
                defaultKeyVariable: OpenAIChatProvider.defaultAPIKeyEnvironmentVariable)
            return OpenAIChatProvider(
                settings: settings, reasoning: OpenAIReasoning(reasoning: config.reasoning, reasoningEffort: config.reasoningEffort))
        case .anthropic:
            let settings = try settings(
                config, environment: environment,
                defaultBaseURL: AnthropicProvider.defaultBaseURL,
                defaultKeyVariable: AnthropicProvider.defaultAPIKeyEnvironmentVariable)
            if let maxTokens = config.maxTokens, maxTokens < 1 {
                throw ProviderError.invalidConfiguration("anthropic: \"maxTokens\" must be at least 1")
            }
            return AnthropicProvider(settings: settings, defaultMaxTokens: config.maxTokens ?? 4096)
        case .ollama:
            let settings = try settings(
                config, environment: environment, defaultBaseURL: OllamaProvider.defaultBaseURL, defaultKeyVariable: nil)
            return OllamaProvider(settings: settings)
        }
    }

    /// The provider described by JSON text; decoding problems become `invalidConfiguration`
    /// with the offending key's path.
    public static func make(
        json: Data,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any ChatProvider {
        let config: ProviderConfig
        do {
            config = try JSONDecoder().decode(ProviderConfig.self, from: json)
        } catch let error as DecodingError {
            throw ProviderError.invalidConfiguration(describe(error))
        }
        return try make(config, environment: environment)
    }

    private static func settings(
        _ config: ProviderConfig,
        environment: [String: String],
        defaultBaseURL: String,
        defaultKeyVariable: String?
    ) throws -> HTTPProviderSettings {
        let name = config.provider.rawValue
        let baseURL = config.baseURL ?? defaultBaseURL
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw ProviderError.invalidConfiguration("\(name): \"baseURL\" must be an http or https URL, got '\(baseURL)'")
        }
        if let timeout = config.timeoutSeconds, !(timeout > 0) {
            throw ProviderError.invalidConfiguration("\(name): \"timeoutSeconds\" must be positive")
        }
        if let timeout = config.connectTimeoutSeconds, !(timeout > 0) {
            throw ProviderError.invalidConfiguration("\(name): \"connectTimeoutSeconds\" must be positive")
        }
        if let timeout = config.requestTimeoutSeconds, !(timeout > 0) {
            throw ProviderError.invalidConfiguration("\(name): \"requestTimeoutSeconds\" must be positive")
        }
        let maxResponseBytes = config.maxResponseBytes ?? HTTPProviderSettings.defaultMaxResponseBytes
        let maxEventBytes = config.maxEventBytes ?? min(HTTPProviderSettings.defaultMaxEventBytes, maxResponseBytes)
        for (key, value) in [("maxResponseBytes", config.maxResponseBytes), ("maxEventBytes", config.maxEventBytes)] {
            if let value, value < Self.smallestByteLimit {
                throw ProviderError.invalidConfiguration("\(name): \"\(key)\" must be at least \(Self.smallestByteLimit), got \(value)")
            }
        }
        if maxEventBytes > maxResponseBytes {
            throw ProviderError.invalidConfiguration(
                "\(name): \"maxEventBytes\" (\(maxEventBytes)) must not exceed \"maxResponseBytes\" (\(maxResponseBytes))")
        }
        if let retries = config.maxRetries, retries < 0 {
            throw ProviderError.invalidConfiguration("\(name): \"maxRetries\" must not be negative")
        }

        let keyVariable = config.apiKeyEnv ?? defaultKeyVariable
        var apiKey: APIKey?
        if let keyVariable {
            if let value = environment[keyVariable], !value.isEmpty {
                apiKey = APIKey(value)
            } else if config.apiKeyEnv != nil || config.baseURL == nil || config.baseURL == defaultBaseURL {
                throw ProviderError.missingAPIKey(provider: name, environmentVariable: keyVariable)
            }
        }

        var retry = RetryPolicy()
        if let retries = config.maxRetries { retry.maxRetries = retries }
        return HTTPProviderSettings(
            baseURL: baseURL,
            apiKey: apiKey,
            // Named even without a key: a 401 from a server that turns out to need one then
            // says which variable to set.
            apiKeyEnvironmentVariable: keyVariable,
            defaultModel: config.model,
            connectTimeoutSeconds: config.connectTimeoutSeconds ?? 10,
            readTimeoutSeconds: config.timeoutSeconds ?? 120,
            requestTimeoutSeconds: config.requestTimeoutSeconds ?? HTTPProviderSettings.defaultRequestTimeoutSeconds,
            maxResponseBytes: maxResponseBytes,
            maxEventBytes: maxEventBytes,
            retry: retry,
            extraHeaders: config.headers ?? [:],
            extraBody: config.extraBody ?? [:]
        )
    }

    /// The smallest `maxResponseBytes` and `maxEventBytes` accepted: one ordinary event must fit.
    static let smallestByteLimit = 1024

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the configuration" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\" in \(path(context.codingPath))"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) should be \(type)"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }
}
