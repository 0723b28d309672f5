import ManifoldPluginKit
import Synchronization

/// A middleware's counters behind a lock, shared by its concurrent calls.
final class Tally<Counts: Sendable>: Sendable {
    private let counts: Mutex<Counts>

    /// Counters starting at `initial`.
    init(_ initial: Counts) {
        counts = Mutex(initial)
    }

    /// Applies `change` to the counters and returns what it returns.
    @discardableResult
    func update<Result>(_ change: (inout Counts) -> Result) -> Result {
        counts.withLock { change(&$0) }
    }

    /// The counters now.
    var snapshot: Counts { counts.withLock { $0 } }
}

/// A flag set once by any task and read by others.
final class OnceFlag: Sendable {
    private let flag = Mutex(false)

    /// Sets the flag.
    func set() { flag.withLock { $0 = true } }

    /// Whether it was set.
    var isSet: Bool { flag.withLock { $0 } }
}

/// The log closure each middleware is given: the host's logger, or a test's recorder.
public typealias MiddlewareLog = @Sendable (_ level: PluginHost.LogLevel, _ message: String) -> Void
