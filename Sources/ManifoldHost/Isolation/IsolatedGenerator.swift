import Foundation
import Manifold

/// A node's generator running in a supervised worker process: to its Streamer it looks like
/// any generator (same ports, same type checks); inputs and outputs cross the process
/// boundary as wire frames. Inputs queued for it go to the worker together, in one write,
/// and the worker runs them one after another (`PipeliningGenerator`): one round trip per
/// batch, not per input.
public final class IsolatedGenerator: PipeliningGenerator, SourceGenerator {
    public let ports: PortTypes
    private let supervisor: WorkerSupervisor
    private let source: IsolatedSourceRunner?

    init(ports: PortTypes, supervisor: WorkerSupervisor, isSource: Bool) {
        self.ports = ports
        self.supervisor = supervisor
        source = isSource ? IsolatedSourceRunner(supervisor: supervisor) : nil
    }

    /// The plugin's source, run in the worker, when it offers one (`manifold.source`).
    public var sourceRunner: (any SourceRunner)? { source }

    /// How long a cancelled call has before its worker is killed.
    public var cancelGrace: Duration { supervisor.cancelGrace }

    /// How many times the worker was restarted.
    public var restartCount: Int { supervisor.restartCount }

    public func process(_ input: Artifact, context: ProcessingContext) async throws {
        try await supervisor.process(input, context: context)
    }

    /// The most queued inputs sent to the worker at once.
    public var pipelineLimit: Int { supervisor.pipelineLimit }

    public func process(_ inputs: [PipelinedInput], finished: (Int, (any Error)?) async throws -> Void) async throws {
        try await supervisor.process(inputs, finished: finished)
    }

    public func shutdown() async {
        await supervisor.shutdown()
    }
}
