/// How requests to OpenAI's reasoning models are shaped.
///
/// Reasoning models (the o1, o3 and o4 families, and gpt-5) refuse `max_tokens` (they count
/// hidden reasoning tokens too, under `max_completion_tokens`) and any `temperature` or
/// `top_p` but the default 1, and take a `reasoning_effort`. Whether a model is one is decided
/// by its name unless `reasoning` says otherwise, for a deployment or proxy whose model names
/// do not follow OpenAI's.
public struct OpenAIReasoning: Sendable, Hashable {
    /// Whether the model is a reasoning model; `nil` decides by its name (`isReasoningModel`).
    public var reasoning: Bool?
    /// Sent as `reasoning_effort` when set (`minimal`, `low`, `medium`, `high`, … as the model
    /// accepts), whatever the model.
    public var reasoningEffort: String?

    /// Creates the settings; the defaults decide by model name and send no effort.
    public init(reasoning: Bool? = nil, reasoningEffort: String? = nil) {
        self.reasoning = reasoning
        self.reasoningEffort = reasoningEffort
    }

    /// The name prefixes of OpenAI's reasoning model families.
    public static let reasoningModelPrefixes = ["o1", "o3", "o4", "gpt-5"]

    /// Whether `model` names a reasoning model: `o1`, `o3-mini`, `o4-mini-2025-04-16`,
    /// `gpt-5`, `gpt-5.1`, `gpt-5-mini`, also behind a router's `vendor/` prefix
    /// (`openai/o3`). A prefix counts only as a whole word: `o10` and `gpt-50` are not.
    public static func isReasoningModel(_ model: String) -> Bool {
        let name = (model.split(separator: "/").last.map(String.init) ?? model).lowercased()
        return reasoningModelPrefixes.contains { prefix in
            guard name.hasPrefix(prefix) else { return false }
            let rest = name.dropFirst(prefix.count)
            return rest.isEmpty || rest.first == "-" || rest.first == "."
        }
    }

    /// Whether requests for `model` take the reasoning models' shape.
    public func appliesTo(model: String) -> Bool {
        reasoning ?? Self.isReasoningModel(model)
    }

    /// Why a request with these sampling settings cannot go to `model`, or `nil` when it can.
    ///
    /// Reasoning models accept only the default temperature and `top_p` (1). They are refused
    /// here, before anything is sent, rather than dropped from the request: a configuration
    /// that asks for `temperature: 0` expects repeatable answers, and silently not getting
    /// them is worse than being told.
    public func samplingProblem(model: String, temperature: Double?, topP: Double?) -> String? {
        guard appliesTo(model: model) else { return nil }
        let refused = [("temperature", temperature), ("topP", topP)].compactMap { name, value in
            value.flatMap { $0 == 1 ? nil : "\(name) \($0)" }
        }
        guard let first = refused.first else { return nil }
        let why = reasoning == true ? "is configured as a reasoning model" : "is a reasoning model by its name"
        return "model '\(model)' \(why) and accepts only the default temperature and top_p (1), not \(first); "
            + "remove the setting, or set \"reasoning\": false in the provider configuration if the model is not one"
    }
}
