import Synchronization

/// What one agent instance did, for its shutdown report.
final class AgentStatistics: Sendable {
    /// The counters.
    struct Counts: Sendable, Hashable {
        var turns = 0
        var answers = 0
        var modelCalls = 0
        var toolCalls = 0
        var toolResults = 0
        var failedTurns = 0
        var cappedTurns = 0
        var rejectedInputs = 0
        var inputTokens = 0
        var outputTokens = 0
    }

    private let counts = Mutex(Counts())

    /// Applies `change` to the counters.
    func update(_ change: (inout Counts) -> Void) {
        counts.withLock { change(&$0) }
    }

    /// The counters now.
    var snapshot: Counts { counts.withLock { $0 } }
}
