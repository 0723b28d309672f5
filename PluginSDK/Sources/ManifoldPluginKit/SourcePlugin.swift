import Foundation
import Manifold
import Synchronization

/// A generator that also emits on its own, without an input (a timer, a file watcher, a
/// server's notifications), through the `manifold.source` extension.
///
/// When the graph runs, the SDK calls `produce(into:)` on a thread of its own (never a
/// Swift concurrency thread, since `emit` blocks while the graph is full) and reports the
/// source finished when it returns. When the run stops, `sink.isStopped` turns true,
/// `sink.wait(seconds:)` returns early and `sink.emit` throws `CancellationError`.
public protocol SourcePlugin: GeneratorPlugin {
    /// Emits through `sink` until there is nothing more, or until the sink is stopped.
    ///
    /// - Throws: a failure of the source; the host reports it as the node's failure.
    func produce(into sink: SourceSink) throws
}

/// Where a source plugin emits; every method may be called from the source's thread.
public final class SourceSink: @unchecked Sendable {
    private let state = Mutex<Bool>(false)
    private let wakeUp = NSCondition()
    private let emitter: (Artifact) throws -> Void

    init(emitter: @escaping (Artifact) throws -> Void) {
        self.emitter = emitter
    }

    /// Whether the host asked the source to stop.
    public var isStopped: Bool { state.withLock { $0 } }

    /// Publishes `artifact` on the node's output topic, waiting while the graph is full.
    ///
    /// - Throws: `CancellationError` once the source was asked to stop.
    public func emit(_ artifact: Artifact) throws {
        if isStopped { throw CancellationError() }
        try emitter(artifact)
    }

    /// Waits up to `seconds`, returning early when the source is asked to stop.
    ///
    /// - Returns: true when the time passed, false when the source was stopped.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        wakeUp.lock()
        defer { wakeUp.unlock() }
        while !isStopped {
            if !wakeUp.wait(until: deadline) { return !isStopped }
        }
        return false
    }

    func stop() {
        state.withLock { $0 = true }
        wakeUp.lock()
        wakeUp.broadcast()
        wakeUp.unlock()
    }
}
