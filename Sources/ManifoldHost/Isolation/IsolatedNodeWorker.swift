import Foundation
import Logging
import Manifold
import ManifoldJSON
import ManifoldLink
import ManifoldWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The worker side of an isolated node: what `manifold isolated-worker` runs in the child.
///
/// It reads the host's messages on the socket at descriptor 3, applies the node's resource
/// limits, loads the plugin with the host's checks (pinned to the digest the host read), and
/// runs each input it is sent as a task of its own — one after another in the order sent for a
/// node with concurrency 1 —, sending outputs back as they come. When
/// the host goes away (its end of the socket closes), the worker exits at once.
public enum IsolatedNodeWorker {
    /// Serves the host on `descriptor` until told to shut down or the host goes away.
    ///
    /// Suspends instead of blocking: the task that calls it must not hold one of the few
    /// threads of the concurrency pool, which the plugin's calls need (a plugin that blocks
    /// one must still leave the others to the node's next inputs).
    public static func run(socketDescriptor descriptor: Int32 = 3) async -> Never {
        let session = WorkerSession(socket: LinkSocket(descriptor: descriptor))
        session.start()
        // The session ends the process itself (`_exit`); nothing resumes this.
        await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
        fatalError("the worker session ended without ending the process")
    }
}

/// One worker's state: the plugin instance, the calls running, their credit.
private final class WorkerSession: Sendable {
    let socket: LinkSocket
    private let state = Mutex<State>(State())

    private struct State {
        var reader = WorkerMessageReader()
        var generator: (any Generator)?
        var calls: [UInt64: (task: Task<Void, Never>, credit: EmitCredit)] = [:]
        /// Whether calls run one after another, in the order sent (a node with concurrency 1).
        var runsCallsInOrder = true
        /// The call sent last, which the next waits for when calls run in order.
        var lastCall: Task<Void, Never>?
    }

    init(socket: LinkSocket) {
        self.socket = socket
    }

    func start() {
        socket.startReading(
            onFrame: { [self] frame throws(LinkError) in
                let taken = try state.withLock { state throws(LinkError) in try state.reader.take(frame) }
                guard let (message, artifact) = taken else { return }
                handle(message, artifact)
            },
            onEnd: { failure in
                // The host is gone (or spoke nonsense): nobody is left to take what this does.
                if let failure { FileHandle.standardError.write(Data("manifold worker: \(failure)\n".utf8)) }
                _exit(failure == nil ? 0 : 70)
            })
    }

    private func send(_ frames: [WireFrame]) {
        do {
            try socket.send(frames)
        } catch {
            _exit(0)
        }
    }

    private func handle(_ message: WorkerMessage, _ artifact: Artifact?) {
        switch message {
        case .open(let opening):
            Task { await open(opening) }
        case .process(let id):
            guard let artifact, let generator = state.withLock({ $0.generator }) else { return }
            let credit = EmitCredit()
            // Registered before it can run, so a cancel that follows at once finds it.
            state.withLock { state in
                // The host may send a node's queued inputs ahead: each waits for the one before.
                let previous = state.runsCallsInOrder ? state.lastCall : nil
                let task = Task {
                    await previous?.value
                    await self.run(id, artifact, generator: generator, credit: credit)
                }
                state.calls[id] = (task, credit)
                if state.runsCallsInOrder { state.lastCall = task }
            }
        case .startSource(let id):
            let credit = EmitCredit()
            guard let runner = (state.withLock({ $0.generator }) as? any SourceGenerator)?.sourceRunner else {
                send([WorkerMessage.complete(call: id, outcome: .failed, message: "the plugin offers no source (manifold.source)").frame])
                return
            }
            state.withLock { state in
                state.calls[id] = (Task { await self.runSource(id, runner, credit: credit) }, credit)
            }
        case .cancel(let id):
            if let call = state.withLock({ $0.calls[id] }) {
                call.task.cancel()
                call.credit.cancel()
            }
        case .emitAck(let id, let count):
            state.withLock { $0.calls[id] }?.credit.give(Int(count))
        case .ping(let number):
            send([WorkerMessage.pong(number).frame])
        case .shutdown:
            Task {
                await state.withLock { $0.generator }?.shutdown()
                send([WorkerMessage.shutdownDone.frame])
                _exit(0)
            }
        case .ready, .openFailed, .emit, .reject, .complete, .pong, .shutdownDone:
            break
        }
    }

    private func open(_ opening: WorkerOpening) async {
        do {
            try ResourceLimiter.apply(memoryMiB: opening.memoryMiB, cpuSeconds: opening.cpuSeconds, openFiles: opening.openFiles)
            var logger = Logger(label: "manifold.\(opening.node)")
            logger.logLevel = Logger.Level(rawValue: opening.logLevel) ?? .info
            let loader = PluginLoader(options: PluginLoaderOptions(allowInsecurePermissions: opening.allowInsecurePermissions))
            let plugin = try loader.load(manifestAt: opening.manifest)
            guard plugin.descriptor.name == opening.plugin else {
                throw WorkerStartError("the manifest \(opening.manifest) now describes plugin '\(plugin.descriptor.name)', not '\(opening.plugin)'")
            }
            guard plugin.sha256 == opening.sha256 else {
                throw WorkerStartError(
                    "the library \(plugin.libraryPath) changed after the host checked it (SHA-256 \(plugin.sha256), the host read \(opening.sha256)); start the run again")
            }
            let config = try JSONValue(parsing: Data(opening.config.utf8))
            let generator = try plugin.makeGenerator(node: opening.node, config: config, logger: logger)
            state.withLock { state in
                state.generator = generator
                state.runsCallsInOrder = opening.concurrency <= 1
            }
            send([WorkerMessage.ready.frame])
        } catch {
            send([WorkerMessage.openFailed("\(error)").frame])
            _exit(1)
        }
    }

    /// Runs the plugin's source as call `id` until it finishes or the call is cancelled; what
    /// it emits goes to the host as the call's emits, each waiting for credit.
    private func runSource(_ id: UInt64, _ runner: any SourceRunner, credit: EmitCredit) async {
        await finishCall(id) {
            try await runner.run(
                publish: { [self] artifact in
                    try await credit.take(1)
                    send([WorkerMessage.emit(call: id).frame, .artifact(artifact)])
                },
                reject: { [self] problem in send([WorkerMessage.reject(call: id, problem: problem).frame]) })
            // A source stopped by a cancel ends without an error of its own.
            try Task.checkCancellation()
        }
    }

    private func run(_ id: UInt64, _ input: Artifact, generator: any Generator, credit: EmitCredit) async {
        // Outputs given all at once wait here for the completion, to go with it in one write:
        // a call that finishes inside its plugin's `process` then costs the host one wake-up.
        let outbox = Outbox()
        let context = ProcessingContext(
            node: input.origin ?? "", input: input,
            emitter: { [self] output in
                try await credit.take(1)
                send(outbox.takeAll() + [WorkerMessage.emit(call: id).frame, .artifact(output)])
            },
            rejecter: { [self] problem in send(outbox.takeAll() + [WorkerMessage.reject(call: id, problem: problem).frame]) },
            batchEmitter: { outputs in
                try await credit.take(outputs.count)
                outbox.add(outputs, call: id)
            })
        await finishCall(id, sendingFirst: outbox) {
            // A call cancelled while it waited for its turn never reaches the plugin.
            try Task.checkCancellation()
            try await generator.process(input, context: context)
        }
    }

    /// Runs `body` as call `id` and tells the host how it ended (after what `outbox` holds).
    private func finishCall(_ id: UInt64, sendingFirst outbox: Outbox? = nil, _ body: () async throws -> Void) async {
        var outcome = WorkerMessage.CallOutcome.succeeded
        var message = ""
        do {
            try await body()
        } catch is CancellationError {
            outcome = .cancelled
        } catch {
            outcome = .failed
            message = "\(error)"
        }
        state.withLock { _ = $0.calls.removeValue(forKey: id) }
        send((outbox?.takeAll() ?? []) + [WorkerMessage.complete(call: id, outcome: outcome, message: message).frame])
    }
}

/// A call's outputs finished all at once, waiting to travel with its next message.
private final class Outbox: Sendable {
    private let frames = Mutex<[WireFrame]>([])

    func add(_ outputs: [Artifact], call id: UInt64) {
        frames.withLock { frames in
            frames.reserveCapacity(frames.count + outputs.count * 2)
            for output in outputs {
                frames.append(WorkerMessage.emit(call: id).frame)
                frames.append(.artifact(output))
            }
        }
    }

    /// Everything waiting, in order; nothing waits afterwards.
    func takeAll() -> [WireFrame] {
        frames.withLock { frames in
            defer { frames = [] }
            return frames
        }
    }
}
