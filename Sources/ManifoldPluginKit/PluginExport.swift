import CManifoldABI
import Foundation
import Manifold
import ManifoldJSON
import ManifoldNativeBridge
import Synchronization

/// Turns a Swift plugin type into the C descriptor the host loads.
public enum PluginExport {
    /// The descriptor of a generator plugin; return it from `manifold_plugin_entry`.
    public static func generator<Plugin: GeneratorPlugin>(_: Plugin.Type) -> UnsafeRawPointer {
        descriptor(for: Plugin.self, info: Plugin.info, kind: MANIFOLD_KIND_GENERATOR) { config, host in
            .generator(try Plugin(configuration: try decode(Plugin.Configuration.self, from: config), host: host))
        }
    }

    /// The descriptor of a middleware plugin; return it from `manifold_plugin_entry`.
    public static func middleware<Plugin: MiddlewarePlugin>(_: Plugin.Type) -> UnsafeRawPointer {
        descriptor(for: Plugin.self, info: Plugin.info, kind: MANIFOLD_KIND_MIDDLEWARE) { config, host in
            .middleware(try Plugin(configuration: try decode(Plugin.Configuration.self, from: config), host: host))
        }
    }

    private static func decode<Configuration: Decodable>(_: Configuration.Type, from text: String) throws -> Configuration {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let json = trimmed.isEmpty || trimmed == "null" ? "{}" : trimmed
        do {
            return try JSONDecoder().decode(Configuration.self, from: Data(json.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw ConfigurationError(message: "config is missing '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ConfigurationError(message: "config at \(path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ConfigurationError(message: "config at \(path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw ConfigurationError(message: "config does not decode: \(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("$") { $0 + ($1.intValue.map { "[\($0)]" } ?? ".\($1.stringValue)") }
    }

    private static func descriptor(
        for type: Any.Type, info: PluginInfo, kind: manifold_plugin_kind,
        factory: @escaping @Sendable (String, PluginHost) throws -> PluginObject
    ) -> UnsafeRawPointer {
        exportRegistry.withLock { registry in
            if let existing = registry.byType[ObjectIdentifier(type)] { return UnsafeRawPointer(bitPattern: existing)! }
            let descriptor = makeDescriptor(info: info, kind: kind)
            let address = UInt(bitPattern: descriptor)
            registry.byType[ObjectIdentifier(type)] = address
            registry.factories[address] = factory
            return UnsafeRawPointer(descriptor)
        }
    }

    /// Builds the static descriptor. Its strings are allocated once and kept for the life of
    /// the process, as the ABI requires.
    private static func makeDescriptor(info: PluginInfo, kind: manifold_plugin_kind) -> UnsafeMutablePointer<manifold_plugin> {
        func permanent(_ text: String) -> UnsafePointer<CChar> { UnsafePointer(strdup(text)!) }
        func list(_ types: ArtifactTypeSet) -> UnsafePointer<UnsafePointer<CChar>?> {
            let array = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: max(types.types.count, 1))
            for (index, type) in types.types.enumerated() { array[index] = permanent(type.description) }
            return UnsafePointer(array)
        }
        var plugin = manifold_plugin()
        plugin.abi_version = UInt32(MANIFOLD_ABI_VERSION_MAJOR) << 16 | UInt32(MANIFOLD_ABI_VERSION_MINOR)
        plugin.struct_size = UInt32(MemoryLayout<manifold_plugin>.size)
        plugin.name = permanent(info.name)
        plugin.version = permanent(info.version)
        plugin.description = permanent(info.summary)
        plugin.kind = kind
        plugin.flags = info.allowsConcurrentProcessing ? 1 : 0
        plugin.input_types = list(info.ports.inputs)
        plugin.input_type_count = info.ports.inputs.types.count
        plugin.output_types = list(info.ports.outputs)
        plugin.output_type_count = info.ports.outputs.types.count
        plugin.config_schema = info.configSchema.map { permanent($0.jsonText) }
        plugin.create = pluginCreate
        plugin.process = pluginProcess
        plugin.shutdown = pluginShutdown
        plugin.destroy = pluginDestroy
        plugin.get_extension = nil
        let pointer = UnsafeMutablePointer<manifold_plugin>.allocate(capacity: 1)
        pointer.initialize(to: plugin)
        return pointer
    }
}

/// A config that did not decode into the plugin's `Configuration`.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    /// Makes an error; `message` should name the config key, e.g. "config.rules[0].matches: …".
    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

enum PluginObject: Sendable {
    case generator(any Generator)
    case middleware(any Middleware)

    func shutdown() async {
        switch self {
        case .generator(let generator): await generator.shutdown()
        case .middleware(let middleware): await middleware.shutdown()
        }
    }
}

private struct ExportRegistry {
    var byType: [ObjectIdentifier: UInt] = [:]
    var factories: [UInt: @Sendable (String, PluginHost) throws -> PluginObject] = [:]
}

private let exportRegistry = Mutex(ExportRegistry())

/// One instance, behind the host's opaque pointer.
final class PluginInstance: Sendable {
    let object: PluginObject
    let host: PluginHost

    init(object: PluginObject, host: PluginHost) {
        self.object = object
        self.host = host
    }
}

// MARK: C entry points of the descriptor

private let pluginCreate: @convention(c) (
    UnsafePointer<manifold_plugin>?, manifold_str, UnsafePointer<manifold_host>?,
    UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<CChar>?, Int
) -> manifold_status = { plugin, config, host, instance, error, capacity in
    func fail(_ message: String) -> manifold_status {
        if let error, capacity > 0 {
            let bytes = Array(message.utf8.prefix(capacity - 1))
            for (index, byte) in bytes.enumerated() { error[index] = CChar(bitPattern: byte) }
            error[bytes.count] = 0
        }
        return MANIFOLD_ERROR
    }
    guard let plugin, let instance else { return fail("create called without a descriptor or an instance slot") }
    let factory = exportRegistry.withLock { $0.factories[UInt(bitPattern: plugin)] }
    guard let factory else { return fail("create called with a descriptor this library did not export") }
    let pluginHost = PluginHost(table: host)
    do {
        let object = try factory(config.string, pluginHost)
        instance.pointee = Unmanaged.passRetained(PluginInstance(object: object, host: pluginHost)).toOpaque()
        return MANIFOLD_OK
    } catch {
        return fail("\(error)")
    }
}

private let pluginProcess: @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?, UnsafePointer<manifold_call>?
) -> Void = { opaque, view, table in
    guard let table else { return }
    let call = HostCall(table: table)
    guard let opaque, let view else {
        call.complete(MANIFOLD_INVALID_ARGUMENT, "process called without an instance or input")
        return
    }
    let instance = Unmanaged<PluginInstance>.fromOpaque(opaque).takeUnretainedValue()
    let input: Artifact
    do {
        input = try Artifact(copying: view)
    } catch {
        call.complete(MANIFOLD_INVALID_ARGUMENT, "\(error)")
        return
    }
    let cancellation = CallCancellation()
    let cancellationBox = Unmanaged.passRetained(cancellation).toOpaque()
    table.pointee.on_cancel(table.pointee.context, callCancelHandler, cancellationBox)
    let node = instance.host.node
    let cancellationAddress = UInt(bitPattern: cancellationBox)
    // Starts on the host's thread: a plugin that never suspends completes inside `process`,
    // with no hop to another thread and no wake-up of the host's task.
    let task = Task.immediate {
        let context = ProcessingContext(node: node, input: input) { output in try call.emit(output) }
        var failure: (any Error)?
        do {
            switch instance.object {
            case .generator(let generator):
                try await generator.process(input, context: context)
            case .middleware(let middleware):
                try await middleware.handle(
                    input, context: context, next: MiddlewareNext { next, downstream in try await call.next(next, context: downstream) })
            }
        } catch {
            failure = error
        }
        call.complete(with: failure)
        // The host never calls the cancel handler after `complete` returned.
        Unmanaged<CallCancellation>.fromOpaque(UnsafeRawPointer(bitPattern: cancellationAddress)!).release()
    }
    cancellation.attach(task)
}

private let pluginShutdown: @convention(c) (
    UnsafeMutableRawPointer?, (@convention(c) (UnsafeMutableRawPointer?) -> Void)?, UnsafeMutableRawPointer?
) -> Void = { opaque, done, doneContext in
    guard let opaque else {
        done?(doneContext)
        return
    }
    let instance = Unmanaged<PluginInstance>.fromOpaque(opaque).takeUnretainedValue()
    let context = UInt(bitPattern: doneContext)
    Task {
        await instance.object.shutdown()
        done?(UnsafeMutableRawPointer(bitPattern: context))
    }
}

private let pluginDestroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { opaque in
    guard let opaque else { return }
    Unmanaged<PluginInstance>.fromOpaque(opaque).release()
}
