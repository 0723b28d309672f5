/// What a generator or middleware is given with each input: who it is and how to emit.
public struct ProcessingContext: Sendable {
    /// The id of the node doing the processing.
    public let node: String
    /// The input artifact being processed, as it reached the node (before any middleware).
    public let input: Artifact
    private let emitter: @Sendable (Artifact) async throws -> Void
    private let rejecter: (@Sendable (String) async -> Void)?
    private let batchEmitter: (@Sendable ([Artifact]) async throws -> Void)?

    /// Makes a context whose `emit` calls `emitter` and whose `reject` calls `rejecter` (when
    /// nil, `reject` throws the problem as a `RejectedOutputError`, failing the input).
    ///
    /// - Parameter batchEmitter: takes what `emit(contentsOf:)` is given in one call; when
    ///   nil, those outputs go to `emitter` one by one.
    public init(
        node: String, input: Artifact, emitter: @escaping @Sendable (Artifact) async throws -> Void,
        rejecter: (@Sendable (String) async -> Void)? = nil,
        batchEmitter: (@Sendable ([Artifact]) async throws -> Void)? = nil
    ) {
        self.node = node
        self.input = input
        self.emitter = emitter
        self.rejecter = rejecter
        self.batchEmitter = batchEmitter
    }

    /// Sends one output artifact downstream. May be called many times per input (streaming).
    ///
    /// Outputs inherit the input's correlation id when they carry none, and the node as origin.
    /// - Throws: when the output cannot be delivered (the run was cancelled).
    public func emit(_ artifact: Artifact) async throws {
        try await emitter(artifact)
    }

    /// Sends outputs the node finished all at once: the last outputs of this input, produced
    /// without waiting on anything (a native plugin that completed inside its `process`).
    ///
    /// They are sent in order, like as many `emit` calls, but a Streamer may publish them
    /// together with those of the inputs it already has queued, in one batch — one routing
    /// and one wake-up of each reader for many artifacts — instead of one at a time; they are
    /// published before the node reports those inputs done. Use `emit` for outputs that
    /// stream while the work goes on (tokens): those are published at once.
    /// - Throws: when the outputs cannot be delivered (the run was cancelled).
    public func emit(contentsOf artifacts: [Artifact]) async throws {
        if let batchEmitter {
            try await batchEmitter(artifacts)
        } else {
            for artifact in artifacts { try await emitter(artifact) }
        }
    }

    /// Reports an output the node tried to emit that is no artifact at all (a native plugin's
    /// emit with a malformed type or struct): nothing is sent on, and a Streamer counts it as a
    /// rejected output and dead-letters a stand-in carrying `problem`, so the loss is reported
    /// with its reason instead of vanishing.
    ///
    /// - Parameter problem: what was malformed and how to fix it, naming the node.
    /// - Throws: `RejectedOutputError` when the context has no rejecter (then the input fails).
    public func reject(_ problem: String) async throws {
        guard let rejecter else { throw RejectedOutputError(problem: problem) }
        await rejecter(problem)
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
        return ProcessingContext(
            node: node, input: input,
            emitter: { artifact in try await transform(artifact, original) },
            rejecter: rejecter)
    }
}

/// An output a node tried to emit that could not be made into an artifact, reported where no
/// Streamer counts it (see `ProcessingContext.reject`).
public struct RejectedOutputError: Error, CustomStringConvertible {
    /// What was malformed and how to fix it.
    public let problem: String

    /// Makes an error.
    public init(problem: String) {
        self.problem = problem
    }

    public var description: String { problem }
}
