import Synchronization

/// What one mcp instance did, for its shutdown report.
final class MCPStatistics: Sendable {
    /// The counters.
    struct Counts: Sendable {
        var calls = 0
        var failedCalls = 0
        var timedOutCalls = 0
        var unknownTools = 0
        var catalogs = 0
        var rejectedInputs = 0
    }

    private let counts = Mutex(Counts())

    /// Applies `change` to the counters.
    func update(_ change: (inout Counts) -> Void) {
        counts.withLock { change(&$0) }
    }

    /// The counters now.
    var snapshot: Counts { counts.withLock { $0 } }
}
