import Foundation
import Manifold
import ManifoldLLM
import ManifoldPluginKit

/// `agent`: an LLM agent node. Each user turn (`text/plain` or `chat/message`) streams an
/// answer from the configured provider; tool calls leave as `tool/call` artifacts and the
/// turn resumes when every matching `tool/result` of the round has come back (as later
/// inputs with the same correlation id); the final answer leaves as one `chat/message`.
///
/// Conversations are keyed by correlation id (an artifact without one starts its own, keyed
/// by its id) and kept, bounded, in memory. Inputs of different conversations may be
/// processed concurrently. See `AgentArtifacts` for every payload shape.
public struct AgentPlugin: GeneratorPlugin, StatefulPlugin {
    /// The config type.
    public typealias Configuration = AgentConfiguration

    /// The descriptor: name `agent`, its ports and config schema.
    public static let info = PluginInfo(
        name: "agent", version: "1.0.0",
        summary: "An LLM agent: streams answers, calls tools through tool/call and tool/result, keeps each conversation's history.",
        ports: PortTypes(
            inputs: [.chatMessage, .plainText, .toolResult, ArtifactType.toolCatalog],
            outputs: [.chatDelta, .chatMessage, .toolCall, ArtifactType.toolList]),
        configSchema: AgentConfigSchema.schema,
        allowsConcurrentProcessing: true)

    private let store: ConversationStore
    private let runner: TurnRunner
    private let statistics = AgentStatistics()
    private let log: @Sendable (PluginHost.LogLevel, String) -> Void

    /// Makes the agent for a node, reading the API key from the process environment.
    public init(configuration: Configuration, host: PluginHost) throws {
        try self.init(configuration: configuration, log: { level, message in host.log(level, message) })
    }

    /// Makes an agent in-process.
    ///
    /// - Parameters:
    ///   - provider: the model backend to use instead of the one `configuration.provider` describes.
    ///   - environment: where `configuration.provider.apiKeyEnv` is looked up.
    ///   - log: receives the shutdown report.
    /// - Throws: `ConfigurationError` naming the config key at fault.
    public init(
        configuration: Configuration, provider: (any ChatProvider)? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        log: @escaping @Sendable (PluginHost.LogLevel, String) -> Void = { _, _ in }
    ) throws {
        let settings = try configuration.validated()
        let chosen: any ChatProvider
        if let provider {
            chosen = provider
        } else {
            do {
                chosen = try ProviderFactory.make(configuration.provider, environment: environment)
            } catch {
                throw ConfigurationError(message: "config.provider: \(error)")
            }
        }
        store = ConversationStore(
            inlineTools: settings.inlineTools, maxConversations: settings.maxConversations,
            maxToolRounds: settings.maxToolRounds, requestsCatalog: settings.requestsCatalog)
        runner = TurnRunner(provider: chosen, settings: settings.request, store: store, statistics: statistics)
        self.log = log
    }

    /// Handles one input: a user turn, a tool result or a tool catalog.
    ///
    /// - Throws: `AgentError` for a malformed or unexpected input, a failed model call or a
    ///   turn that hit `maxToolRounds`; `CancellationError` when cancelled.
    public func process(_ input: Artifact, context: ProcessingContext) async throws {
        let key = AgentArtifacts.conversationKey(of: input)
        if ArtifactType.plainText.accepts(input.type) || ArtifactType.chatMessage.accepts(input.type) {
            let message = try rejectingMalformed { try AgentArtifacts.userMessage(in: input) }
            statistics.update { $0.turns += 1 }
            switch store.submit(message, key: key) {
            case .start(let step):
                try await runner.run(step, context: context)
            case .queued(requestCatalog: true):
                do {
                    try await context.emit(AgentArtifacts.listRequest(key: key))
                } catch {
                    store.retractCatalogRequest()
                    throw error
                }
            case .queued(requestCatalog: false):
                return
            }
        } else if ArtifactType.toolResult.accepts(input.type) {
            let result = try rejectingMalformed { try AgentArtifacts.toolResult(in: input) }
            guard let step = try rejectingMalformed({ try store.record(result, key: key) }) else {
                statistics.update { $0.toolResults += 1 }
                return
            }
            statistics.update { $0.toolResults += 1 }
            try await runner.run(step, context: context)
        } else if ArtifactType.toolCatalog.accepts(input.type) {
            let tools = try rejectingMalformed { try AgentArtifacts.catalog(in: input) }
            try await runner.runAll(store.installCatalog(tools, from: input.origin ?? ""), context: context)
        } else {
            statistics.update { $0.rejectedInputs += 1 }
            throw AgentError.unsupportedInput(artifact: input.id, type: input.type)
        }
    }

    /// Logs what the agent did and what was left unfinished.
    public func shutdown() async {
        let counts = statistics.snapshot
        let summary = store.summary
        var line = "agent: \(counts.turns) user turns, \(counts.answers) answers, \(counts.modelCalls) model calls, "
            + "\(counts.toolCalls) tool calls, \(counts.toolResults) tool results, \(counts.failedTurns) failed turns "
            + "(\(counts.cappedTurns) at maxToolRounds), \(counts.rejectedInputs) rejected inputs; "
            + "tokens in \(counts.inputTokens), out \(counts.outputTokens); "
            + "\(summary.conversations) conversations kept, \(summary.evicted) forgotten"
        let unfinished = summary.awaitingTools > 0 || summary.waitingTurns > 0
        if unfinished {
            line += "; unfinished: \(summary.awaitingTools) awaiting tool results, \(summary.waitingTurns) user turns queued"
            if summary.waitingForCatalog { line += " (no tool/catalog arrived: is a tools node subscribed to the agent's tool/list?)" }
        }
        log(unfinished ? .warning : .info, line)
    }

    /// The history kept for a conversation: user, assistant and tool messages, oldest first.
    public func history(ofConversation key: String) -> [ChatMessage] {
        store.history(of: key)
    }

    /// The tools offered to the model now: the inline ones, then those of received catalogs.
    public var offeredTools: [ToolDefinition] {
        store.tools
    }

    /// Runs `body`, counting an input it rejects.
    private func rejectingMalformed<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            statistics.update { $0.rejectedInputs += 1 }
            throw error
        }
    }
}

extension AgentPlugin {
    /// Conversations with a history, by correlation id.
    public func stateKeys() -> [String] {
        store.keysWithHistory
    }

    /// The history of one conversation (finished turns only), as versioned JSON.
    public func saveState(key: String) throws -> Data {
        try store.snapshot(of: key)
    }

    /// Carries a conversation on from a saved history; refused while one of its turns runs.
    public func loadState(_ bytes: Data, key: String) throws {
        try store.restore(bytes, key: key)
    }
}
