import ManifoldLLM

/// One conversation's state: its history, what it is doing, and the user turns waiting.
struct Conversation: Sendable {
    /// User, assistant and tool messages so far (the system prompt is added per request).
    var history: [ChatMessage] = []
    /// What the conversation is doing.
    var phase: Phase = .idle
    /// User turns that arrived while it was busy (or while the tool catalog was awaited).
    var waiting: [ChatMessage] = []
    /// A stamp from the store's clock; the smallest belongs to the least recently used.
    var lastUsed: UInt64

    /// The states of a conversation.
    enum Phase: Sendable {
        /// Nothing in progress.
        case idle
        /// A model call of `turn` is streaming.
        case running(TurnState)
        /// `turn` waits for the results of `round`.
        case awaitingTools(TurnState, PendingRound)
    }

    /// The turn in progress, if any.
    var turn: TurnState? {
        switch phase {
        case .idle: return nil
        case .running(let turn), .awaitingTools(let turn, _): return turn
        }
    }

    /// Whether anything is in progress or waiting.
    var isBusy: Bool { turn != nil || !waiting.isEmpty }
}

/// The progress of one user turn: from the user's message to the final answer.
struct TurnState: Sendable {
    /// Unique per store, so a late failure never rolls back a later turn.
    var id: UInt64
    /// The history length before the user's message: a failed turn is rolled back to it.
    var historyStart: Int
    /// Tool rounds completed.
    var roundsDone = 0
    /// Model calls made.
    var modelCalls = 0
    /// Tokens of every model call so far.
    var inputTokens = 0
    var outputTokens = 0
}

/// The tool calls of one round and the results received so far.
struct PendingRound: Sendable {
    /// The calls, in the order the model made them.
    var calls: [ToolCall]
    /// Results by call id.
    var results: [String: ToolResultInput] = [:]

    /// Whether every call has its result.
    var isComplete: Bool { results.count == calls.count }

    /// The tool messages for the history, in the order of the calls (not of arrival).
    var messages: [ChatMessage] {
        calls.compactMap { call in
            results[call.id].map { .tool(callID: call.id, name: $0.name ?? call.name, content: $0.content, isError: $0.isError) }
        }
    }
}

/// Everything one model call needs, taken from the store under its lock.
struct TurnStep: Sendable {
    /// The conversation.
    var key: String
    /// The turn.
    var turnID: UInt64
    /// The history to send (without the system prompt).
    var messages: [ChatMessage]
    /// The tools to offer.
    var tools: [ToolDefinition]
    /// Tool rounds completed so far in this turn.
    var roundsDone: Int
}

/// A model call's result, as the runner hands it to the store.
struct ModelAnswer: Sendable {
    var message: ChatMessage
    var finishReason: FinishReason
    var usage: Usage?
    /// From the request to the last event of the answer.
    var duration: Duration = .zero
    /// From the request to the first event of the answer, when one came.
    var timeToFirstEvent: Duration?
}
