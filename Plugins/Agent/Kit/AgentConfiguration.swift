import ManifoldLLM
import ManifoldPluginKit

/// The config of an `agent` node, decoded from its `config` JSON.
///
/// ```json
/// {"provider": {"provider": "openai", "model": "gpt-4o-mini"},
///  "systemPrompt": "You are terse.", "maxToolRounds": 4,
///  "tools": [{"name": "pow", "description": "x to the power y",
///             "parameters": {"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "number"}}}}]}
/// ```
public struct AgentConfiguration: Decodable, Sendable {
    /// The model backend: ManifoldLLM's `ProviderConfig` (provider, baseURL, model, apiKeyEnv, …).
    public var provider: ProviderConfig
    /// Instructions put before every conversation's messages; never stored in the history.
    public var systemPrompt: String?
    /// The model for every request; the provider's `model` when absent.
    public var model: String?
    /// Sampling temperature (0 to 2); the provider's default when absent.
    public var temperature: Double?
    /// The most tokens one answer may have; the provider's default when absent.
    public var maxTokens: Int?
    /// The most tool-call rounds one user turn may take (default 8). A model that asks for
    /// tools once more gets no tools run: the agent answers with a message explaining the cap
    /// and the turn counts as failed.
    public var maxToolRounds: Int?
    /// Tools offered to the model, described inline.
    public var tools: [InlineTool]?
    /// Whether text is streamed as `chat/delta` artifacts as it arrives (default true).
    public var emitDeltas: Bool?
    /// `none` (default): offer only the inline `tools`. `request`: before the first model call,
    /// emit one `tool/list` artifact and hold conversations until a `tool/catalog` arrives.
    public var toolCatalog: ToolCatalogMode?
    /// How many conversations' histories are kept (default 1000); the least recently used
    /// idle one is forgotten when a new conversation would exceed it.
    public var maxConversations: Int?

    /// Creates a configuration; every setting but the provider is optional.
    public init(
        provider: ProviderConfig, systemPrompt: String? = nil, model: String? = nil, temperature: Double? = nil,
        maxTokens: Int? = nil, maxToolRounds: Int? = nil, tools: [InlineTool]? = nil, emitDeltas: Bool? = nil,
        toolCatalog: ToolCatalogMode? = nil, maxConversations: Int? = nil
    ) {
        self.provider = provider
        self.systemPrompt = systemPrompt
        self.model = model
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.maxToolRounds = maxToolRounds
        self.tools = tools
        self.emitDeltas = emitDeltas
        self.toolCatalog = toolCatalog
        self.maxConversations = maxConversations
    }

    /// The default of `maxToolRounds`.
    public static let defaultMaxToolRounds = 8
    /// The default of `maxConversations`.
    public static let defaultMaxConversations = 1000

    /// Checks what the config schema cannot express (the host checks the rest before `init`,
    /// but in-process users skip the host).
    ///
    /// - Throws: `ConfigurationError` naming the key and the fix.
    func validated() throws -> ValidatedAgentSettings {
        if let rounds = maxToolRounds, rounds < 0 {
            throw ConfigurationError(message: "config.maxToolRounds must be 0 or more, got \(rounds)")
        }
        if let count = maxConversations, count < 1 {
            throw ConfigurationError(message: "config.maxConversations must be at least 1, got \(count)")
        }
        if let temperature, !(0...2).contains(temperature) {
            throw ConfigurationError(message: "config.temperature must be between 0 and 2, got \(temperature)")
        }
        if let maxTokens, maxTokens < 1 {
            throw ConfigurationError(message: "config.maxTokens must be at least 1, got \(maxTokens)")
        }
        // Known now for every request, so refused now rather than at the first user turn.
        if provider.provider == .openai, let model = model ?? provider.model,
            let problem = OpenAIReasoning(reasoning: provider.reasoning).samplingProblem(
                model: model, temperature: temperature, topP: nil)
        {
            throw ConfigurationError(message: "config.temperature: \(problem)")
        }
        var definitions: [ToolDefinition] = []
        for (index, tool) in (tools ?? []).enumerated() {
            definitions.append(try tool.definition(at: index))
        }
        var seen = Set<String>()
        for (index, tool) in definitions.enumerated() where !seen.insert(tool.name).inserted {
            throw ConfigurationError(message: "config.tools[\(index)]: the name '\(tool.name)' is used twice; tool names must be unique")
        }
        return ValidatedAgentSettings(
            request: RequestSettings(
                systemPrompt: systemPrompt, model: model, temperature: temperature, maxTokens: maxTokens,
                emitDeltas: emitDeltas ?? true),
            inlineTools: definitions,
            maxToolRounds: maxToolRounds ?? Self.defaultMaxToolRounds,
            maxConversations: maxConversations ?? Self.defaultMaxConversations,
            requestsCatalog: toolCatalog == .request)
    }
}

/// Whether an agent asks its graph for a tool catalog.
public enum ToolCatalogMode: String, Decodable, Sendable, Hashable {
    /// Offer only the inline tools.
    case none
    /// Emit `tool/list` once and wait for a `tool/catalog` before the first model call.
    case request
}

/// A tool described in the agent's config.
public struct InlineTool: Decodable, Sendable, Hashable {
    /// The name the model calls it by (`[A-Za-z0-9_-]`, at most 64 characters).
    public var name: String
    /// What it does; the model reads this.
    public var description: String?
    /// A JSON Schema of type `object` for its arguments; no arguments when absent.
    public var parameters: JSONValue?

    /// Creates a tool description.
    public init(name: String, description: String? = nil, parameters: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }

    func definition(at index: Int) throws -> ToolDefinition {
        guard ToolNames.isValid(name) else {
            throw ConfigurationError(
                message: "config.tools[\(index)].name '\(name)' is not a valid tool name: use 1 to 64 letters, digits, '_' or '-'")
        }
        if let parameters, parameters["type"]?.stringValue != "object" {
            throw ConfigurationError(
                message: "config.tools[\(index)].parameters must be a JSON Schema with \"type\": \"object\" (models take named arguments)")
        }
        return parameters.map { ToolDefinition(name: name, description: description ?? "", parameters: $0) }
            ?? ToolDefinition(name: name, description: description ?? "")
    }
}

/// Tool-name rules every provider accepts.
enum ToolNames {
    /// Whether `name` is 1 to 64 of `[A-Za-z0-9_-]`.
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }
}

/// The settings every model request of one agent shares.
struct RequestSettings: Sendable {
    var systemPrompt: String?
    var model: String?
    var temperature: Double?
    var maxTokens: Int?
    var emitDeltas: Bool
}

/// A configuration after validation.
struct ValidatedAgentSettings: Sendable {
    var request: RequestSettings
    var inlineTools: [ToolDefinition]
    var maxToolRounds: Int
    var maxConversations: Int
    var requestsCatalog: Bool
}
