/// What a generator or middleware is given with each input: who it is and how to emit.
public struct ProcessingContext: Sendable {
    /// The id of the node doing the processing.
    public let node: String
    /// The input artifact being processed, as it reached the node (before any middleware).
    public let input: Artifact
    private let emitter: @Sendable (Artifact) async throws -> Void

    /// Makes a context whose `emit` calls `emitter`.
    public init(node: String, input: Artifact, emitter: @escaping @Sendable (Artifact) async throws -> Void) {
        self.node = node
        self.input = input
        self.emitter = emitter
    }

    /// Sends one output artifact downstream. May be called many times per input (streaming).
    ///
    /// Outputs inherit the input's correlation id when they carry none, and the node as origin.
    /// - Throws: when the output cannot be delivered (the run was cancelled).
    public func emit(_ artifact: Artifact) async throws {
        try await emitter(artifact)
    }

    /// Whether the work was cancelled; long-running generators should check it and stop.
    public var isCancelled: Bool { Task.isCancelled }

    /// A context whose emitted artifacts pass through `transform` first; `transform` gets the
    /// artifact and the original `emit` and decides what, if anything, to send on.
    /// Middleware uses this to rewrite, filter or observe a generator's outputs.
    public func interceptingEmits(
        _ transform: @escaping @Sendable (Artifact, _ emit: @Sendable (Artifact) async throws -> Void) async throws -> Void
    ) -> ProcessingContext {
        let original = emitter
        return ProcessingContext(node: node, input: input) { artifact in
            try await transform(artifact, original)
        }
    }
}
