import Foundation
import ManifoldLLM

/// Snapshots of conversations for the `manifold.state` extension: the history of each,
/// versioned JSON, so a later run (or another instance) can carry a conversation on.
extension ConversationStore {
    /// A conversation's saved form.
    ///
    /// Version 2 also keeps what lets a run resumed after a crash carry a turn on instead of
    /// doing its finished steps again: the round of tool calls the turn waits on (with the
    /// results received so far), the user turns queued, and the catalog tools offered. A
    /// model call in progress is never part of it: the turn is saved as it was before that
    /// call, which a resumed run makes again. Version 1 (history only) is still read.
    struct Snapshot: Codable, Equatable {
        /// The format; bumped when the shape changes.
        var version: Int
        /// User, assistant and tool messages so far.
        var history: [ChatMessage]
        /// The turn waiting for tool results, when there is one.
        var awaiting: AwaitingTurn?
        /// User turns queued behind the turn in progress or the tool catalog.
        var waiting: [ChatMessage]?
        /// The tools of the catalogs received, when the agent asks a tools node for them.
        var catalog: [ToolDefinition]?
    }

    /// A turn waiting for the results of a round of tool calls.
    struct AwaitingTurn: Codable, Equatable {
        var historyStart: Int
        var roundsDone: Int
        var modelCalls: Int
        var inputTokens: Int
        var outputTokens: Int
        var calls: [ToolCall]
        var results: [SavedResult]
    }

    /// A tool result received for a waiting round.
    struct SavedResult: Codable, Equatable {
        var id: String
        var name: String?
        var content: String
        var isError: Bool
    }

    /// The current snapshot format.
    static let snapshotVersion = 2

    /// The keys of conversations that have a history.
    var keysWithHistory: [String] {
        state.withLock { state in state.conversations.filter { !$0.value.history.isEmpty || $0.value.isBusy }.keys.sorted() }
    }

    /// The state of `key`, as bytes; empty when it has none.
    func snapshot(of key: String) throws -> Data {
        let snapshot: Snapshot? = state.withLock { state in
            guard let conversation = state.conversations[key] else { return nil }
            var history = conversation.history
            var awaiting: AwaitingTurn?
            switch conversation.phase {
            case .idle:
                break
            case .running(let turn):
                // Saved as before the call in progress: a resume makes it again.
                history = Array(history.prefix(turn.historyStart))
            case .awaitingTools(let turn, let round):
                awaiting = AwaitingTurn(
                    historyStart: turn.historyStart, roundsDone: turn.roundsDone, modelCalls: turn.modelCalls,
                    inputTokens: turn.inputTokens, outputTokens: turn.outputTokens, calls: round.calls,
                    results: round.calls.compactMap { call in
                        round.results[call.id].map { SavedResult(id: $0.id, name: $0.name, content: $0.content, isError: $0.isError) }
                    })
            }
            var waiting = conversation.waiting
            if case .running(let turn) = conversation.phase, turn.historyStart < conversation.history.count {
                // The user message of the turn in progress goes back to the front of the queue.
                waiting.insert(conversation.history[turn.historyStart], at: 0)
            }
            guard !history.isEmpty || awaiting != nil || !waiting.isEmpty else { return nil }
            let catalog = state.catalog == .received ? state.catalogTools : nil
            return Snapshot(
                version: Self.snapshotVersion, history: history, awaiting: awaiting, waiting: waiting.isEmpty ? nil : waiting,
                catalog: catalog)
        }
        guard let snapshot else { return Data() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(snapshot)
    }

    /// Replaces the state of `key` by a snapshot; refused while a turn of it is running.
    func restore(_ bytes: Data, key: String) throws {
        let snapshot: Snapshot
        do {
            snapshot = try JSONDecoder().decode(Snapshot.self, from: bytes)
        } catch {
            throw AgentError.stateNotLoaded(conversation: key, reason: "it does not decode: \(error)")
        }
        guard snapshot.version == 1 || snapshot.version == Self.snapshotVersion else {
            throw AgentError.stateNotLoaded(
                conversation: key, reason: "it has format \(snapshot.version); this agent reads 1 and \(Self.snapshotVersion)")
        }
        try state.withLock { state in
            if let existing = state.conversations[key], existing.isBusy {
                throw AgentError.stateNotLoaded(conversation: key, reason: "a turn is in progress; load state between turns")
            }
            state.touch(key, maxConversations: self.maxConversations)
            var conversation = state.conversations[key]!
            conversation.history = snapshot.history
            conversation.waiting = snapshot.waiting ?? []
            if let awaiting = snapshot.awaiting {
                var turn = TurnState(id: state.nextTurnID, historyStart: awaiting.historyStart)
                state.nextTurnID += 1
                turn.roundsDone = awaiting.roundsDone
                turn.modelCalls = awaiting.modelCalls
                turn.inputTokens = awaiting.inputTokens
                turn.outputTokens = awaiting.outputTokens
                var round = PendingRound(calls: awaiting.calls)
                for result in awaiting.results {
                    round.results[result.id] = ToolResultInput(id: result.id, name: result.name, content: result.content, isError: result.isError)
                }
                conversation.phase = .awaitingTools(turn, round)
            } else {
                conversation.phase = .idle
            }
            state.conversations[key] = conversation
            if let catalog = snapshot.catalog, state.catalog != .received, state.catalog != .notUsed {
                // A saved catalog does not say who sent it: a later catalog from any node
                // adds to it, and replaces only that node's own.
                state.catalogs = [("", catalog)]
                state.offerCatalogTools()
                state.catalog = .received
            }
        }
    }
}
