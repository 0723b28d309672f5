import Foundation
import Logging
import Manifold
import ManifoldLink
import ManifoldWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The host's side of one worker process, from its start to its exit: sends it inputs, hands
/// what it reports to the waiting calls, pings it, and learns how it ended.
///
/// Three threads of its own: the socket's reader, the output tail, and one blocked in
/// `waitpid`, so the exit of a worker is known however it happens (crash, `exit`, kill) and
/// no Swift concurrency thread ever blocks on it.
final class WorkerConnection: Sendable {
    let pid: pid_t
    private let socket: LinkSocket
    private let output: WorkerOutputTail
    private let settings: IsolationSettings
    private let limits: (memoryMiB: Int?, cpuSeconds: Int?)
    private let state = Mutex<State>(State())

    private struct State {
        var calls: [UInt64: PendingWorkerCall] = [:]
        var nextCall: UInt64 = 1
        var opening: CheckedContinuation<Void, any Error>?
        var openFailure: String?
        var exit: WorkerExit?
        var exitWaiters: [CheckedContinuation<WorkerExit, Never>] = []
        var killedBecause: String?
        var lastPong = ContinuousClock.now
        var pingsSent: UInt64 = 0
        var reader = WorkerMessageReader()
    }

    private init(spawned: SpawnedWorker, settings: IsolationSettings, limits: (Int?, Int?)) {
        pid = spawned.pid
        socket = spawned.socket
        output = WorkerOutputTail(reading: spawned.output)
        self.settings = settings
        self.limits = limits
    }

    /// Starts a worker and waits until it has loaded the plugin and made the instance.
    ///
    /// - Parameter onExit: called once when the worker ends, however it ends.
    /// - Throws: `WorkerStartError` when it cannot be started, refuses to open the plugin
    ///   (with the worker's reason), ends or stays silent past `startTimeLimit`.
    static func start(
        opening: WorkerOpening, settings: IsolationSettings, onExit: @escaping @Sendable (WorkerExit) -> Void
    ) async throws -> WorkerConnection {
        let spawned = try SpawnedWorker.spawn(executable: settings.executable, arguments: ["isolated-worker"])
        let connection = WorkerConnection(spawned: spawned, settings: settings, limits: (opening.memoryMiB, opening.cpuSeconds))
        connection.startReading()
        connection.watchExit(then: onExit)
        let timer = Task {
            guard (try? await Task.sleep(for: settings.startTimeLimit)) != nil else { return }
            connection.kill(because: "did not load its plugin within \(secondsText(settings.startTimeLimit))")
        }
        defer { timer.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let ended: WorkerExit? = connection.state.withLock { state in
                if state.exit == nil { state.opening = continuation }
                return state.exit
            }
            if let ended { continuation.resume(throwing: WorkerStartError("the worker \(ended.report)")) }
            do {
                try connection.socket.send([WorkerMessage.open(opening).frame])
            } catch {
                connection.kill(because: "could not be sent its plugin: \(error)")
            }
        }
        connection.startHeartbeat()
        return connection
    }

    // MARK: Calls

    /// How many published outputs one acknowledgement covers; a quarter of the worker's window,
    /// so a streaming call rarely waits for one.
    static let acknowledgementGroup = EmitCredit.window / 4

    /// How a call ended, seen from the host.
    enum CallEnd {
        case succeeded
        /// The plugin failed it, it was cancelled (`CancellationError`), or publishing one of
        /// its outputs failed.
        case failed(any Error)
        /// The worker ended before the call did.
        case lost(WorkerExit)
    }

    /// Sends `inputs` to the worker in one write, as calls it runs in that order; empty when the
    /// worker has already ended.
    func submit(_ inputs: [Artifact]) -> [PendingWorkerCall] {
        let calls: [PendingWorkerCall] = state.withLock { state in
            guard state.exit == nil else { return [] }
            return inputs.map { input in
                let call = PendingWorkerCall(id: state.nextCall, input: input)
                state.nextCall += 1
                state.calls[call.id] = call
                return call
            }
        }
        var frames: [WireFrame] = []
        frames.reserveCapacity(calls.count * 2)
        for (call, input) in zip(calls, inputs) {
            frames.append(WorkerMessage.process(call: call.id).frame)
            frames.append(.artifact(input))
        }
        do {
            if !frames.isEmpty { try socket.send(frames) }
        } catch {
            // The worker is gone or going: its exit ends the calls.
        }
        return calls
    }

    /// Relays what the worker reports for `call` through `context` until the call ends;
    /// cancelling the task cancels the call.
    func finish(_ call: PendingWorkerCall, context: ProcessingContext) async -> CallEnd {
        await finish(call, emit: { try await context.emit($0) }, reject: { try await context.reject($0) })
    }

    /// Starts the plugin's source in the worker, as a call whose emits are the source's;
    /// `nil` when the worker has already ended.
    func startSource() -> PendingWorkerCall? {
        let call: PendingWorkerCall? = state.withLock { state in
            guard state.exit == nil else { return nil }
            let call = PendingWorkerCall(id: state.nextCall, input: nil)
            state.nextCall += 1
            state.calls[call.id] = call
            return call
        }
        guard let call else { return nil }
        try? socket.send([WorkerMessage.startSource(call: call.id).frame])
        return call
    }

    /// Hands what the worker reports for `call` to `emit` and `reject` until the call ends;
    /// cancelling the task cancels the call.
    func finish(
        _ call: PendingWorkerCall, emit: (Artifact) async throws -> Void, reject: (String) async throws -> Void
    ) async -> CallEnd {
        await withTaskCancellationHandler {
            var failure: (any Error)?
            var unacknowledged = 0
            while true {
                switch await call.next() {
                case .output(let artifact):
                    if failure == nil {
                        do {
                            try await emit(artifact)
                        } catch {
                            failure = error
                            cancel(call)
                        }
                    }
                    // Acknowledged in groups: a call that emits a few outputs and completes
                    // (most) costs no message for it.
                    unacknowledged += 1
                    if unacknowledged == Self.acknowledgementGroup {
                        try? socket.send([WorkerMessage.emitAck(call: call.id, count: UInt64(unacknowledged)).frame])
                        unacknowledged = 0
                    }
                case .refused(let problem):
                    guard failure == nil else { continue }
                    do {
                        try await reject(problem)
                    } catch {
                        failure = error
                        cancel(call)
                    }
                case .complete(let outcome, let message):
                    if let failure { return .failed(failure) }
                    switch outcome {
                    case .succeeded: return .succeeded
                    case .cancelled: return .failed(CancellationError())
                    case .failed: return .failed(IsolatedPluginError(message: message))
                    }
                case .lost(let exit):
                    return .lost(exit)
                }
            }
        } onCancel: {
            cancel(call)
        }
    }

    /// Cancels calls that were sent and will not be waited for (the node stopped before them).
    func abandon(_ calls: some Sequence<PendingWorkerCall>) {
        for call in calls where !call.hasEnded { cancel(call) }
    }

    /// Asks the worker to cancel `call`, and kills it if the call has not ended within
    /// `cancelGrace`: a plugin that ignores cancellation must not hold its node forever.
    func cancel(_ call: PendingWorkerCall) {
        try? socket.send([WorkerMessage.cancel(call: call.id).frame])
        let grace = settings.cancelGrace
        Task { [self] in
            try? await Task.sleep(for: grace)
            if !call.hasEnded {
                let what = call.input.map { "input \($0.id) was cancelled" } ?? "its source was stopped"
                kill(because: "did not stop within \(secondsText(grace)) after \(what)")
            }
        }
    }

    // MARK: Ending

    /// Asks the worker to shut the instance down and exit; kills it after `shutdownGrace`.
    func shutdown() async {
        guard state.withLock({ $0.exit == nil }) else { return }
        try? socket.send([WorkerMessage.shutdown.frame])
        let grace = settings.shutdownGrace
        let timer = Task { [self] in
            guard (try? await Task.sleep(for: grace)) != nil else { return }
            kill(because: "did not shut down within \(secondsText(grace))")
        }
        _ = await exited()
        timer.cancel()
    }

    /// Ends the worker now, with the reason its report will give; the first reason is kept.
    func kill(because reason: String) {
        let alive = state.withLock { state in
            if state.killedBecause == nil, state.exit == nil { state.killedBecause = reason }
            return state.exit == nil
        }
        if alive { Glibc.kill(pid, SIGKILL) }
    }

    /// How the worker ended, once it has.
    func exited() async -> WorkerExit {
        await withCheckedContinuation { (continuation: CheckedContinuation<WorkerExit, Never>) in
            let ended: WorkerExit? = state.withLock { state in
                if state.exit == nil { state.exitWaiters.append(continuation) }
                return state.exit
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// Whether the worker has ended.
    var hasExited: Bool { state.withLock { $0.exit != nil } }

    private func watchExit(then onExit: @escaping @Sendable (WorkerExit) -> Void) {
        let pid = self.pid
        let thread = Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            socket.shutDown()
            var exit = WorkerExit(
                pid: pid, waitStatus: status, killedBecause: state.withLock { $0.killedBecause }, memoryLimitMiB: limits.memoryMiB,
                cpuLimitSeconds: limits.cpuSeconds)
            exit.lastLines = output.lastLines(8)
            let (calls, opening, openFailure, waiters) = state.withLock { state in
                state.exit = exit
                defer {
                    state.calls = [:]
                    state.opening = nil
                    state.exitWaiters = []
                }
                return (Array(state.calls.values), state.opening, state.openFailure, state.exitWaiters)
            }
            for call in calls { call.push(.lost(exit)) }
            opening?.resume(throwing: WorkerStartError(openFailure ?? "the worker \(exit.report)"))
            for waiter in waiters { waiter.resume(returning: exit) }
            onExit(exit)
        }
        thread.name = "manifold-worker-wait"
        thread.start()
    }

    // MARK: Reading

    private func startReading() {
        socket.startReading(
            onFrame: { [self] frame throws(LinkError) in
                let taken = try state.withLock { state throws(LinkError) in try state.reader.take(frame) }
                guard let (message, artifact) = taken else { return }
                handle(message, artifact)
            },
            onEnd: { [self] failure in
                if let failure { kill(because: "broke the worker protocol: \(failure)") }
            })
    }

    private func handle(_ message: WorkerMessage, _ artifact: Artifact?) {
        switch message {
        case .ready:
            state.withLock { state in
                defer { state.opening = nil }
                return state.opening
            }?.resume()
        case .openFailed(let reason):
            // The worker exits next; its exit resumes the start with this reason.
            state.withLock { $0.openFailure = reason }
        case .emit(let id):
            if let artifact { state.withLock { $0.calls[id] }?.push(.output(artifact)) }
        case .reject(let id, let problem):
            state.withLock { $0.calls[id] }?.push(.refused(problem))
        case .complete(let id, let outcome, let message):
            state.withLock { $0.calls.removeValue(forKey: id) }?.push(.complete(outcome, message))
        case .pong:
            state.withLock { $0.lastPong = .now }
        case .ping(let number):
            try? socket.send([WorkerMessage.pong(number).frame])
        case .open, .process, .startSource, .cancel, .emitAck, .shutdown, .shutdownDone:
            break
        }
    }

    // MARK: Heartbeat

    private func startHeartbeat() {
        let interval = settings.heartbeatInterval
        let timeout = settings.heartbeatTimeout
        state.withLock { $0.lastPong = .now }
        Task { [weak self] in
            while let self, !self.hasExited {
                let (number, silence) = self.state.withLock { state in
                    state.pingsSent += 1
                    return (state.pingsSent, ContinuousClock.now - state.lastPong)
                }
                if silence > timeout {
                    self.kill(because: "answered no heartbeat for \(secondsText(timeout)) (hung?)")
                    return
                }
                try? self.socket.send([WorkerMessage.ping(number).frame])
                guard (try? await Task.sleep(for: interval)) != nil else { return }
            }
        }
    }
}

/// An isolated plugin failed a call, with its own message.
struct IsolatedPluginError: Error, CustomStringConvertible {
    let message: String
    var description: String { message.isEmpty ? "the plugin failed and gave no reason" : message }
}
