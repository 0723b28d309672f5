import Foundation
import Logging
import Manifold
import ManifoldManifest
import Synchronization

/// Keeps an isolated node's worker running: starts it, restarts it with exponential backoff
/// after a crash while the restart budget lasts, and fails the node once it is spent.
///
/// An input that was being processed when its worker crashed is tried again on the restarted
/// worker up to `RestartPolicy.retries` times; after that it fails as `NodeCrashed` (and is
/// dead-lettered as `node-crashed`). The node's other inputs are not affected.
final class WorkerSupervisor: Sendable {
    let node: String
    let plugin: String
    private let opening: WorkerOpening
    private let policy: RestartPolicy
    private let settings: IsolationSettings
    private let logger: Logger
    private let state = Mutex<State>(State())

    private enum Phase {
        case running(WorkerConnection)
        case restarting(Task<Void, Never>)
        case failed(NodeFailedAfterRestarts)
        case stopped
    }

    private struct State {
        var phase: Phase?
        /// When each restart in the current window happened.
        var restarts: [ContinuousClock.Instant] = []
        var totalRestarts = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init(node: String, plugin: String, opening: WorkerOpening, policy: RestartPolicy, settings: IsolationSettings, logger: Logger) {
        self.node = node
        self.plugin = plugin
        self.opening = opening
        self.policy = policy
        self.settings = settings
        self.logger = logger
    }

    /// Starts the first worker.
    ///
    /// - Throws: `PluginLoadError` with the worker's reason when it cannot load the plugin or
    ///   make the instance; the node is not made.
    func start(file: String) async throws {
        do {
            let connection = try await launch()
            state.withLock { $0.phase = .running(connection) }
        } catch {
            throw PluginLoadError(
                file: file, kind: .createFailed,
                problem: "the worker process for node '\(node)' (plugin '\(plugin)') could not start it: \(error)",
                fix: "run `manifold check-plugin \(plugin)` to see what is wrong with the plugin, or run the node in process to compare")
        }
    }

    /// How long a cancelled call has before its worker is killed.
    var cancelGrace: Duration { settings.cancelGrace }

    /// The most queued inputs sent at once; 1 when the worker runs calls concurrently (the
    /// node's Streamer then sends each on its own).
    var pipelineLimit: Int { opening.concurrency > 1 ? 1 : settings.pipelineLimit }

    /// Total restarts so far.
    var restartCount: Int { state.withLock { $0.totalRestarts } }

    /// Runs one input in the worker, across restarts: a batch of one.
    func process(_ input: Artifact, context: ProcessingContext) async throws {
        try await process([PipelinedInput(artifact: input, context: context)]) { _, failure in
            if let failure { throw failure }
        }
    }

    /// Runs queued inputs in the worker, sent together and run there one after another,
    /// reporting each to `finished` in order (see `PipeliningGenerator`). A crash is the fault
    /// of the input being run at the time — the first one not finished —: it alone spends a
    /// retry; the inputs after it are sent again to the restarted worker.
    func process(_ inputs: [PipelinedInput], finished: (Int, (any Error)?) async throws -> Void) async throws {
        var next = 0
        var attempts = 0
        while next < inputs.count {
            let connection: WorkerConnection
            do {
                connection = try await currentConnection()
            } catch {
                try await finished(next, error)
                next += 1
                continue
            }
            let calls = connection.submit(inputs[next...].map(\.artifact))
            // The worker ended before it was sent anything: wait for the restart and send again.
            if calls.isEmpty { continue }
            var lost: (offset: Int, exit: WorkerExit)?
            do {
                for (offset, call) in calls.enumerated() {
                    let end = await connection.finish(call, context: inputs[next + offset].context)
                    if case .lost(let exit) = end {
                        lost = (offset, exit)
                        break
                    }
                    attempts = 0
                    if case .failed(let failure) = end {
                        try await finished(next + offset, failure)
                    } else {
                        try await finished(next + offset, nil)
                    }
                }
            } catch {
                connection.abandon(calls)
                throw error
            }
            guard let lost else {
                next += calls.count
                continue
            }
            // The worker ran the calls in order: it died on the first that had not ended.
            next += lost.offset
            attempts += 1
            if Task.isCancelled { throw CancellationError() }
            if attempts > policy.retries {
                let crash = NodeCrashed(node: node, plugin: plugin, input: inputs[next].artifact, attempts: attempts, lastExit: lost.exit)
                attempts = 0
                next += 1
                try await finished(next - 1, crash)
            } else {
                logger.warning(
                    "node '\(node)': trying input \(inputs[next].artifact.id) again on a restarted worker (attempt \(attempts + 1) of \(policy.retries + 1))")
            }
        }
    }

    /// Shuts the worker down; no restart happens after it.
    func shutdown() async {
        let phase = state.withLock { state in
            defer { state.phase = .stopped }
            return state.phase
        }
        switch phase {
        case .running(let connection): await connection.shutdown()
        case .restarting(let task):
            task.cancel()
            await task.value
            if case .running(let connection)? = state.withLock({ $0.phase }) { await connection.shutdown() }
            state.withLock { $0.phase = .stopped }
        case .failed, .stopped, nil: break
        }
        wakeWaiters()
    }

    /// The running worker, waiting while one is being restarted.
    ///
    /// - Throws: `NodeFailedAfterRestarts` once the budget is spent; `CancellationError` after `shutdown()`.
    func currentConnection() async throws -> WorkerConnection {
        while true {
            let phase = state.withLock { $0.phase }
            switch phase {
            case .running(let connection) where !connection.hasExited: return connection
            case .failed(let failure): throw failure
            case .stopped, nil: throw CancellationError()
            case .running, .restarting:
                // A worker that exited is being (or about to be) replaced: wait for the change.
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let changed: Bool = state.withLock { state in
                        if case .running(let current)? = state.phase, current.hasExited {
                            state.waiters.append(continuation)
                            return false
                        }
                        if case .restarting? = state.phase {
                            state.waiters.append(continuation)
                            return false
                        }
                        return true
                    }
                    if changed { continuation.resume() }
                }
            }
        }
    }

    private func launch() async throws -> WorkerConnection {
        try await WorkerConnection.start(opening: opening, settings: settings) { [weak self] exit in
            self?.workerExited(exit)
        }
    }

    /// A worker ended. Unless the node is shutting down, that is a crash: it is reported and
    /// the worker restarted, or the node failed when the budget is spent.
    private func workerExited(_ exit: WorkerExit) {
        let decision: (restart: Int, backoff: Duration)? = state.withLock { state in
            guard case .running(let connection)? = state.phase, connection.pid == exit.pid else { return nil }
            let now = ContinuousClock.now
            let window = Duration.milliseconds(Int64(policy.withinSeconds * 1000))
            state.restarts.removeAll { now - $0 > window }
            guard state.restarts.count < policy.maxRestarts else {
                state.phase = .failed(NodeFailedAfterRestarts(
                    node: node, plugin: plugin, restarts: state.restarts.count, policy: policy, lastExit: exit))
                return nil
            }
            state.restarts.append(now)
            state.totalRestarts += 1
            var backoff = settings.initialBackoff
            for _ in 1..<state.restarts.count { backoff = min(backoff * 2, settings.maximumBackoff) }
            return (state.restarts.count, backoff)
        }
        guard let decision else {
            if case .failed(let failure)? = state.withLock({ $0.phase }) {
                logger.error("\(failure.description)")
                wakeWaiters()
            }
            return
        }
        logger.error(
            "node '\(node)' (plugin '\(plugin)'): its worker process (pid \(exit.pid)) \(exit.report)\nrestarting it in \(secondsText(decision.backoff)) (restart \(decision.restart) of \(policy.maxRestarts) within \(RestartWindow.text(policy.withinSeconds)))")
        let task = Task { [self] in
            try? await Task.sleep(for: decision.backoff)
            guard !Task.isCancelled else { return }
            do {
                let connection = try await launch()
                let kept = state.withLock { state -> Bool in
                    switch state.phase {
                    case .stopped, .failed: return false
                    default:
                        state.phase = .running(connection)
                        return true
                    }
                }
                if !kept { await connection.shutdown() }
            } catch {
                // A worker that cannot even start again spends the budget like a crash.
                let failure = NodeFailedAfterRestarts(
                    node: node, plugin: plugin, restarts: decision.restart, policy: policy, lastExit: exit, startFailure: "\(error)")
                state.withLock { state in
                    if case .stopped? = state.phase { return }
                    state.phase = .failed(failure)
                }
                logger.error("\(failure.description)")
            }
            wakeWaiters()
        }
        state.withLock { state in
            if case .running(let connection)? = state.phase, connection.pid == exit.pid { state.phase = .restarting(task) }
        }
    }

    private func wakeWaiters() {
        let waiters = state.withLock { state in
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

enum RestartWindow {
    static func text(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}

/// An input failed because the worker running the node's plugin crashed on it, every time it
/// was tried.
public struct NodeCrashed: DeadLetteringFailure {
    public let node: String
    public let plugin: String
    public let input: ArtifactID
    /// How many times it was tried.
    public let attempts: Int
    let lastExit: WorkerExit

    init(node: String, plugin: String, input: Artifact, attempts: Int, lastExit: WorkerExit) {
        self.node = node
        self.plugin = plugin
        self.input = input.id
        self.attempts = attempts
        self.lastExit = lastExit
    }

    public var deadLetterReason: DeadLetterReason { .nodeCrashed }

    public var description: String {
        "the worker process of plugin '\(plugin)' crashed on this input "
            + (attempts == 1 ? "" : "each of the \(attempts) times it was tried ")
            + "(last: pid \(lastExit.pid) \(lastExit.report)); the input was dead-lettered as node-crashed"
    }
}

/// A node's worker crashed more often than its restart policy allows: the node is failed.
public struct NodeFailedAfterRestarts: FatalNodeFailure {
    public let node: String
    public let plugin: String
    let restarts: Int
    let policy: RestartPolicy
    let lastExit: WorkerExit
    var startFailure: String?

    public var description: String {
        "node '\(node)' failed: the worker process of plugin '\(plugin)' "
            + (startFailure.map { "could not be started again (\($0))" } ?? "crashed again (pid \(lastExit.pid) \(lastExit.report))")
            + " after \(restarts) restart\(restarts == 1 ? "" : "s") within \(RestartWindow.text(policy.withinSeconds)), "
            + "the most its restart policy allows (maxRestarts \(policy.maxRestarts)); "
            + "fix the plugin, or raise restart.maxRestarts in the node if the crashes are expected"
    }
}
