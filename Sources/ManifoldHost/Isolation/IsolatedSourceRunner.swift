import Manifold
import Synchronization

/// The source (`manifold.source`) of an isolated node's plugin, running in its worker process:
/// what it emits crosses the socket as the emits of one long call, with the same credit as a
/// call's outputs, so a graph that cannot keep up holds the plugin's emitting thread back.
///
/// A worker that crashes takes the source with it; the supervisor restarts the worker as for
/// any crash (within the node's restart budget), and the source is started again in the new
/// one — from the beginning, as a fresh instance of the plugin starts it.
final class IsolatedSourceRunner: SourceRunner {
    private let supervisor: WorkerSupervisor
    private let state = Mutex<State>(State())

    private struct State {
        var stopped = false
        var running: (connection: WorkerConnection, call: PendingWorkerCall)?
    }

    init(supervisor: WorkerSupervisor) {
        self.supervisor = supervisor
    }

    func run(
        publish: @escaping @Sendable (Artifact) async throws -> Void, reject: @escaping @Sendable (String) -> Void
    ) async throws {
        while !state.withLock({ $0.stopped }) {
            let connection: WorkerConnection
            do {
                connection = try await supervisor.currentConnection()
            } catch is CancellationError {
                return
            }
            // The worker ended before it could be asked: wait for the restart.
            guard let call = connection.startSource() else { continue }
            let stoppedMeanwhile = state.withLock { state in
                state.running = (connection, call)
                return state.stopped
            }
            if stoppedMeanwhile { connection.cancel(call) }
            let end = await connection.finish(call, emit: publish, reject: { reject($0) })
            state.withLock { $0.running = nil }
            switch end {
            case .succeeded:
                return
            case .failed(let failure):
                if failure is CancellationError { return }
                throw failure
            case .lost:
                // Reported and restarted by the supervisor; stopping, it is not started again.
                if Task.isCancelled { return }
            }
        }
    }

    func stop() {
        let running = state.withLock { state in
            state.stopped = true
            return state.running
        }
        if let running { running.connection.cancel(running.call) }
    }
}
