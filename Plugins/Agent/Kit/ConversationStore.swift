import ManifoldLLM
import Synchronization

/// Every conversation of one agent instance, behind one lock: histories keyed by
/// conversation key, the turn state machine, the user turns waiting, and the tool catalog.
///
/// All transitions are synchronous and atomic, so inputs of one conversation may be
/// processed concurrently: two tool results arriving at once are both recorded, and exactly
/// one of them resumes the turn. Only a turn's own runner commits or aborts it (checked by
/// turn id), so a late failure never touches a later turn.
///
/// The store holds at most `maxConversations` conversations: a new one evicts the least
/// recently used *idle* one. A conversation with a turn in progress or waiting is never
/// evicted; while all are busy the store grows past the bound rather than lose work.
final class ConversationStore: Sendable {
    /// What `submit` did with a user turn.
    enum SubmitOutcome: Sendable {
        /// Run this step now.
        case start(TurnStep)
        /// Queued behind a turn in progress or the tool catalog; `requestCatalog` is true
        /// exactly once per store, when the caller must emit `tool/list`.
        case queued(requestCatalog: Bool)
    }

    /// What a finished model call means for its turn.
    enum CommitOutcome: Sendable {
        /// The answer is final; the turn is over.
        case final(TurnState)
        /// Tool calls are pending; emit them and wait for the results.
        case awaitTools(TurnState)
        /// The model asked for tools past `maxToolRounds`: answer with `notice`, count a failure.
        case capped(TurnState, notice: String, requested: [String])
        /// The turn is no longer current (it was aborted meanwhile); drop the answer.
        case stale
    }

    /// What the shutdown report says.
    struct Summary: Sendable {
        var conversations = 0
        var awaitingTools = 0
        var waitingTurns = 0
        var evicted = 0
        var waitingForCatalog = false
    }

    enum CatalogState { case notUsed, notRequested, requested, received }

    struct State {
        var conversations: [String: Conversation] = [:]
        var clock: UInt64 = 0
        var nextTurnID: UInt64 = 1
        var catalog: CatalogState
        /// The tools offered: `inlineTools`, then those of the catalogs not already named.
        var tools: [ToolDefinition]
        /// The tools of the config.
        let inlineTools: [ToolDefinition]
        /// The latest catalog of each sender, senders in the order their first catalog came.
        var catalogs: [(origin: String, tools: [ToolDefinition])] = []
        /// The tools the catalogs brought (a part of `tools`), saved with each conversation.
        var catalogTools: [ToolDefinition] = []
        var evicted = 0

        init(catalog: CatalogState, inlineTools: [ToolDefinition]) {
            self.catalog = catalog
            self.inlineTools = inlineTools
            tools = inlineTools
        }

        /// Makes `tools` and `catalogTools` again from the inline tools and the catalogs.
        mutating func offerCatalogTools() {
            var names = Set(inlineTools.map(\.name))
            catalogTools = catalogs.flatMap(\.tools).filter { names.insert($0.name).inserted }
            tools = inlineTools + catalogTools
        }
    }

    let state: Mutex<State>
    let maxConversations: Int
    private let maxToolRounds: Int

    /// A store offering `inlineTools`; with `requestsCatalog`, turns wait for `installCatalog`.
    init(inlineTools: [ToolDefinition], maxConversations: Int, maxToolRounds: Int, requestsCatalog: Bool) {
        self.maxConversations = maxConversations
        self.maxToolRounds = maxToolRounds
        state = Mutex(State(catalog: requestsCatalog ? .notRequested : .notUsed, inlineTools: inlineTools))
    }

    // MARK: Transitions

    /// Adds a user turn: starts it when the conversation is idle and tools are known, else queues it.
    func submit(_ message: ChatMessage, key: String) -> SubmitOutcome {
        state.withLock { state in
            state.touch(key, maxConversations: maxConversations)
            state.conversations[key]!.waiting.append(message)
            switch state.catalog {
            case .notRequested:
                state.catalog = .requested
                return .queued(requestCatalog: true)
            case .requested:
                return .queued(requestCatalog: false)
            case .notUsed, .received:
                if let step = state.startNext(key) { return .start(step) }
                return .queued(requestCatalog: false)
            }
        }
    }

    /// Records a tool result; returns the next model call when it completes its round.
    ///
    /// - Throws: `AgentError.unexpectedToolResult` when the conversation has no such call pending.
    func record(_ result: ToolResultInput, key: String) throws -> TurnStep? {
        try state.withLock { state in
            guard var conversation = state.conversations[key] else {
                throw AgentError.unexpectedToolResult(
                    conversation: key, callID: result.id,
                    reason: "no such conversation (an unknown correlation id, or one forgotten after maxConversations)")
            }
            guard case .awaitingTools(var turn, var round) = conversation.phase else {
                throw AgentError.unexpectedToolResult(
                    conversation: key, callID: result.id, reason: "the conversation has no tool calls pending")
            }
            guard round.calls.contains(where: { $0.id == result.id }) else {
                let pending = round.calls.filter { round.results[$0.id] == nil }.map { "'\($0.id)' (\($0.name))" }
                throw AgentError.unexpectedToolResult(
                    conversation: key, callID: result.id,
                    reason: "the pending calls are \(pending.joined(separator: ", "))")
            }
            guard round.results[result.id] == nil else {
                throw AgentError.unexpectedToolResult(
                    conversation: key, callID: result.id, reason: "a result for this call already arrived")
            }
            round.results[result.id] = result
            state.clock += 1
            conversation.lastUsed = state.clock
            if !round.isComplete {
                conversation.phase = .awaitingTools(turn, round)
                state.conversations[key] = conversation
                return nil
            }
            conversation.history += round.messages
            turn.roundsDone += 1
            conversation.phase = .running(turn)
            state.conversations[key] = conversation
            return TurnStep(
                key: key, turnID: turn.id, messages: conversation.history, tools: state.tools, roundsDone: turn.roundsDone)
        }
    }

    /// Records a model call's answer for the turn `turnID` and moves the turn on.
    func commit(_ answer: ModelAnswer, key: String, turnID: UInt64) -> CommitOutcome {
        state.withLock { state in
            guard var conversation = state.conversations[key], case .running(var turn) = conversation.phase,
                turn.id == turnID
            else { return .stale }
            turn.modelCalls += 1
            turn.inputTokens += answer.usage?.inputTokens ?? 0
            turn.outputTokens += answer.usage?.outputTokens ?? 0
            defer { state.conversations[key] = conversation }
            let calls = answer.message.toolCalls
            if calls.isEmpty {
                conversation.history.append(answer.message)
                conversation.phase = .idle
                return .final(turn)
            }
            if turn.roundsDone >= maxToolRounds {
                let names = calls.map(\.name)
                let notice = "I stopped after \(turn.roundsDone) tool round\(turn.roundsDone == 1 ? "" : "s"), "
                    + "the limit for one request (maxToolRounds = \(maxToolRounds)), without a final answer; "
                    + "the model still wanted to call \(names.joined(separator: ", "))."
                // The unanswered calls stay out of the history: every provider rejects a
                // history with tool calls that have no results.
                conversation.history.append(.assistant(notice))
                conversation.phase = .idle
                return .capped(turn, notice: notice, requested: names)
            }
            conversation.history.append(answer.message)
            conversation.phase = .awaitingTools(turn, PendingRound(calls: calls))
            return .awaitTools(turn)
        }
    }

    /// Abandons the turn `turnID` (when it is still current), rolling the history back to
    /// before its user message, so the history stays valid for every provider.
    func abort(key: String, turnID: UInt64) {
        state.withLock { state in
            guard var conversation = state.conversations[key], let turn = conversation.turn, turn.id == turnID else { return }
            conversation.history.removeSubrange(min(turn.historyStart, conversation.history.count)...)
            conversation.phase = .idle
            state.conversations[key] = conversation
        }
    }

    /// Starts the next waiting user turn of an idle conversation, if any.
    func startNext(key: String) -> TurnStep? {
        state.withLock { $0.startNext(key) }
    }

    /// Offers the tools of a catalog from `origin` (the node that sent it), in place of that
    /// node's earlier catalog: a node whose tools changed sends its whole list again. Inline
    /// tools, then earlier senders, win on a name clash. Starts the first waiting turn of
    /// every idle conversation.
    func installCatalog(_ tools: [ToolDefinition], from origin: String) -> [TurnStep] {
        state.withLock { state in
            if let index = state.catalogs.firstIndex(where: { $0.origin == origin }) {
                state.catalogs[index].tools = tools
            } else {
                state.catalogs.append((origin, tools))
            }
            state.offerCatalogTools()
            state.catalog = .received
            return state.conversations.keys.sorted().compactMap { state.startNext($0) }
        }
    }

    // MARK: Inspection

    /// The history of a conversation (empty for an unknown one).
    func history(of key: String) -> [ChatMessage] {
        state.withLock { $0.conversations[key]?.history ?? [] }
    }

    /// The tools offered now.
    var tools: [ToolDefinition] {
        state.withLock { $0.tools }
    }

    /// Counts for the shutdown report.
    var summary: Summary {
        state.withLock { state in
            var summary = Summary(conversations: state.conversations.count, evicted: state.evicted)
            summary.waitingForCatalog = state.catalog == .requested
            for conversation in state.conversations.values {
                if case .awaitingTools = conversation.phase { summary.awaitingTools += 1 }
                summary.waitingTurns += conversation.waiting.count
            }
            return summary
        }
    }
}

extension ConversationStore.State {
    /// Marks `key` used, creating it (and evicting the least recently used idle conversation
    /// when over the bound) if it is new.
    mutating func touch(_ key: String, maxConversations: Int) {
        clock += 1
        if conversations[key] != nil {
            conversations[key]!.lastUsed = clock
            return
        }
        if conversations.count >= maxConversations,
            let victim = conversations.filter({ !$0.value.isBusy }).min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key
        {
            conversations[victim] = nil
            evicted += 1
        }
        conversations[key] = Conversation(lastUsed: clock)
    }

    /// Pops the next waiting user turn of an idle conversation into a running turn.
    fileprivate mutating func startNext(_ key: String) -> TurnStep? {
        guard catalog == .notUsed || catalog == .received,
            var conversation = conversations[key], conversation.turn == nil, !conversation.waiting.isEmpty
        else { return nil }
        let message = conversation.waiting.removeFirst()
        let turn = TurnState(id: nextTurnID, historyStart: conversation.history.count)
        nextTurnID += 1
        conversation.history.append(message)
        conversation.phase = .running(turn)
        conversations[key] = conversation
        return TurnStep(key: key, turnID: turn.id, messages: conversation.history, tools: tools, roundsDone: 0)
    }
}

extension ConversationStore {
    /// Forgets that the catalog was requested (the `tool/list` could not be emitted), so the
    /// next user turn asks again.
    func retractCatalogRequest() {
        state.withLock { state in
            if state.catalog == .requested { state.catalog = .notRequested }
        }
    }
}
