import Manifold

/// A generator plugin whose `process` never waits: it runs inside the host's call, on the
/// host's thread, with no Swift task made for it (the cheapest way across the C ABI).
///
/// Write one when the work is a plain transform. Outputs go to the host as `emit` is called;
/// `emit` throws `CancellationError` once the host cancelled the call.
///
/// ```swift
/// struct Shout: SynchronousGeneratorPlugin {
///     typealias Configuration = NoConfiguration
///     static let info = PluginInfo(name: "shout", version: "1.0.0", summary: "Uppercases text.",
///                                  ports: PortTypes(inputs: [.plainText], outputs: [.plainText]))
///     init(configuration: Configuration, host: PluginHost) {}
///     func process(_ input: Artifact, emit: (Artifact) throws -> Void) throws {
///         try emit(.text(input.text.uppercased()))
///     }
/// }
/// ```
public protocol SynchronousGeneratorPlugin: GeneratorPlugin {
    /// Processes one input, handing each output to `emit` at once.
    ///
    /// - Throws: when this input cannot be processed; the host records the failure.
    func process(_ input: Artifact, emit: (Artifact) throws -> Void) throws
}

extension SynchronousGeneratorPlugin {
    /// The same work as an ordinary `Generator` (used when the plugin runs in the host's own
    /// process, e.g. in tests): outputs are emitted in order once `process` returned.
    public func process(_ input: Artifact, context: ProcessingContext) async throws {
        var outputs: [Artifact] = []
        try process(input) { outputs.append($0) }
        for output in outputs { try await context.emit(output) }
    }
}
