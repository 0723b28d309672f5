import Manifold

/// A native generator plugin's instance, seen by the runtime as any other `Generator`.
public final class NativeGenerator: Generator {
    /// The types from the plugin's descriptor.
    public let ports: PortTypes
    /// The loaded plugin.
    public let plugin: LoadedPlugin
    let instance: NativeInstance

    init(instance: NativeInstance) {
        self.instance = instance
        self.plugin = instance.plugin
        self.ports = PortTypes(inputs: instance.plugin.descriptor.inputs, outputs: instance.plugin.descriptor.outputs)
    }

    public func process(_ input: Artifact, context: ProcessingContext) async throws {
        try await instance.process(input, context: context, next: nil)
    }

    /// The plugin's `manifold.state` extension for this instance, when it offers one.
    public var state: NativeState? { instance.state }

    /// The plugin's `manifold.source` extension for this instance, when it offers one. Each
    /// access gives a new handle; start the source through one of them, once.
    public var source: NativeSource? { instance.source }

    /// Callbacks the host refused because the plugin broke the contract (an emit or a second
    /// complete after `complete`, a malformed artifact from its source), each also logged.
    public var pluginBugs: Int { instance.pluginBugs.load(ordering: .relaxed) }

    public func shutdown() async {
        await instance.end()
    }
}

/// A native middleware plugin's instance, seen by the runtime as any other `Middleware`.
public final class NativeMiddleware: Middleware {
    /// The plugin's name.
    public let name: String
    /// The loaded plugin.
    public let plugin: LoadedPlugin
    let instance: NativeInstance

    init(instance: NativeInstance) {
        self.instance = instance
        self.plugin = instance.plugin
        self.name = instance.plugin.descriptor.name
    }

    public func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        try await instance.process(input, context: context, next: next)
    }

    /// The plugin's `manifold.state` extension for this instance, when it offers one.
    public var state: NativeState? { instance.state }

    public func shutdown() async {
        await instance.end()
    }
}
