import Foundation
import Logging
import Manifold

/// A native generator whose plugin keeps state (`manifold.state`): after each input, the
/// state of that input's conversation is saved and handed on, so a resumed run can load it
/// and carry the conversation on without doing its finished work again.
final class StateSnapshottingGenerator: Generator {
    let ports: PortTypes
    private let wrapped: NativeGenerator
    private let state: NativeState
    private let node: String
    private let sink: @Sendable (_ node: String, _ key: String, _ state: Data) -> Void
    private let logger: Logger

    init(
        _ wrapped: NativeGenerator, state: NativeState, node: String, logger: Logger,
        sink: @escaping @Sendable (_ node: String, _ key: String, _ state: Data) -> Void
    ) {
        self.wrapped = wrapped
        self.ports = wrapped.ports
        self.state = state
        self.node = node
        self.logger = logger
        self.sink = sink
    }

    func process(_ input: Artifact, context: ProcessingContext) async throws {
        defer { save(Self.conversation(of: input)) }
        try await wrapped.process(input, context: context)
    }

    func shutdown() async {
        await wrapped.shutdown()
    }

    /// Saved even after a failure: the plugin may have rolled its state back, which a resume must see.
    private func save(_ key: String) {
        do {
            let bytes = try state.save(key: key)
            sink(node, key, bytes)
        } catch {
            logger.warning("node '\(node)': its state was not saved after an input; a resumed run would miss it: \(error)")
        }
    }

    /// The conversation an input belongs to: its correlation id, else its own id.
    static func conversation(of input: Artifact) -> String {
        input.correlationID ?? input.id.rawValue
    }

    /// Loads `snapshots` (by conversation) into the generator's plugin, when it keeps state.
    ///
    /// - Throws: `PluginStateError` naming the conversation whose state the plugin refused.
    static func restore(_ snapshots: [String: Data], into generator: any Generator) throws {
        guard !snapshots.isEmpty, let native = generator as? NativeGenerator, let state = native.state else { return }
        for (key, bytes) in snapshots.sorted(by: { $0.key < $1.key }) where !bytes.isEmpty {
            try state.load(bytes, key: key)
        }
    }
}
