/// Turns input artifacts into output artifacts: an LLM agent, a tool runner, a transform.
///
/// The Streamer hands a generator one input at a time (or several concurrently, when the
/// node allows it) and publishes whatever it emits. A generator may emit any number of
/// outputs per input (a token stream), and reports a failure by throwing: the failure is
/// recorded for that input, published on `$errors`, and the next input is processed.
public protocol Generator: Sendable {
    /// The types the generator takes and emits; checked when its Streamer is wired.
    var ports: PortTypes { get }

    /// Processes one input, emitting outputs through `context.emit(_:)`.
    ///
    /// - Throws: when this input cannot be processed; unrelated inputs are not affected.
    func process(_ input: Artifact, context: ProcessingContext) async throws

    /// Releases the generator's resources. Called once, after the last `process` returned.
    func shutdown() async
}

extension Generator {
    /// Nothing to release by default.
    public func shutdown() async {}
}

/// A generator made from a closure, for small transforms and tests.
public struct ClosureGenerator: Generator {
    public let ports: PortTypes
    private let body: @Sendable (Artifact, ProcessingContext) async throws -> Void

    /// Wraps `body` as a generator with the given ports.
    public init(ports: PortTypes = .any, _ body: @escaping @Sendable (Artifact, ProcessingContext) async throws -> Void) {
        self.ports = ports
        self.body = body
    }

    public func process(_ input: Artifact, context: ProcessingContext) async throws {
        try await body(input, context)
    }
}
