/// A generator that can be handed several queued inputs at once and work on them back to back,
/// as if each were given to `process(_:context:)` after the last one finished.
///
/// For a generator behind a round trip — a plugin in a worker process — this turns one round
/// trip per input into one per batch: the inputs go out together and the next one is already
/// there when the last one completes. A Streamer uses it only where it cannot change what the
/// node does: one input at a time (`concurrency` 1), no middleware (middleware sees one input
/// at a time), and no per-input time limit (a limit counts from when its input is sent, and an
/// input waiting behind others must not spend it). Everywhere else it calls
/// `process(_:context:)` one input at a time.
public protocol PipeliningGenerator: Generator {
    /// The most inputs one `process(_:finished:)` call is given; 1 turns pipelining off.
    var pipelineLimit: Int { get }

    /// Processes `inputs` in order, one after another, each emitting through its own context.
    ///
    /// Calls `finished(index, failure)` exactly once per input, in input order, as soon as the
    /// input has ended (`failure` is `nil` when it succeeded) — the outputs of input `i` are all
    /// emitted before `finished(i, _)`, and none of input `i + 1` before it. When `finished`
    /// throws (the node stops), the inputs after it must not emit anything more: cancel them
    /// and rethrow.
    ///
    /// - Throws: what `finished` threw, or `CancellationError`. Inputs not reported to
    ///   `finished` when it throws were not processed.
    func process(_ inputs: [PipelinedInput], finished: (Int, (any Error)?) async throws -> Void) async throws
}

/// One input of a pipelined batch, with the context its outputs go through.
public struct PipelinedInput: Sendable {
    /// The input artifact.
    public let artifact: Artifact
    /// Its context, as `process(_:context:)` would have been given it.
    public let context: ProcessingContext

    /// Pairs an input with its context.
    public init(artifact: Artifact, context: ProcessingContext) {
        self.artifact = artifact
        self.context = context
    }
}
