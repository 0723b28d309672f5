import Manifold
import Synchronization

/// The generator of a node in a resumed run: inputs the node settled before the run was
/// interrupted are skipped, and any other input is processed once, however many times it
/// arrives (delivered again from the journal and emitted again by a node redoing its input,
/// under the same derived id).
final class SettledInputFilter: Generator {
    let ports: PortTypes
    private let wrapped: any Generator
    private let seen: Mutex<Set<ArtifactID>>

    init(_ wrapped: any Generator, settled: Set<ArtifactID>) {
        self.wrapped = wrapped
        self.ports = wrapped.ports
        self.seen = Mutex(settled)
    }

    func process(_ input: Artifact, context: ProcessingContext) async throws {
        guard seen.withLock({ $0.insert(input.id).inserted }) else { return }
        try await wrapped.process(input, context: context)
    }

    func shutdown() async {
        await wrapped.shutdown()
    }
}
