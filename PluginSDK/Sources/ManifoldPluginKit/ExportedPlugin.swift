import CManifoldABI
import Manifold

/// One plugin a library exports: its descriptor's fields and how to make an instance.
///
/// Pass one or more to `PluginLibrary.entry(_:)`.
public struct ExportedPlugin: Sendable {
    let info: PluginInfo
    let kind: manifold_plugin_kind
    let offersState: Bool
    let offersSource: Bool
    let factory: @Sendable (String, PluginHost) throws -> PluginObject

    /// A generator plugin.
    public static func generator<Plugin: GeneratorPlugin>(_: Plugin.Type) -> ExportedPlugin {
        ExportedPlugin(
            info: Plugin.info, kind: MANIFOLD_KIND_GENERATOR,
            offersState: Plugin.self is any StatefulPlugin.Type, offersSource: Plugin.self is any SourcePlugin.Type
        ) { config, host in
            let configuration = try ConfigurationDecoding.decode(
                Plugin.Configuration.self, from: config, schema: Plugin.info.configSchema, plugin: Plugin.info.name)
            let plugin = try Plugin(configuration: configuration, host: host)
            if let synchronous = plugin as? any SynchronousGeneratorPlugin { return .synchronousGenerator(synchronous) }
            return .generator(plugin)
        }
    }

    /// A middleware plugin.
    public static func middleware<Plugin: MiddlewarePlugin>(_: Plugin.Type) -> ExportedPlugin {
        ExportedPlugin(
            info: Plugin.info, kind: MANIFOLD_KIND_MIDDLEWARE, offersState: Plugin.self is any StatefulPlugin.Type,
            offersSource: false
        ) { config, host in
            let configuration = try ConfigurationDecoding.decode(
                Plugin.Configuration.self, from: config, schema: Plugin.info.configSchema, plugin: Plugin.info.name)
            return .middleware(try Plugin(configuration: configuration, host: host))
        }
    }
}

/// An instance's Swift object, as the C entry points drive it.
enum PluginObject: Sendable {
    case generator(any Generator)
    case synchronousGenerator(any SynchronousGeneratorPlugin)
    case middleware(any Middleware)

    /// The object as whatever protocol an extension needs.
    var object: any Sendable {
        switch self {
        case .generator(let generator): generator
        case .synchronousGenerator(let generator): generator
        case .middleware(let middleware): middleware
        }
    }

    func shutdown() async {
        switch self {
        case .generator(let generator): await generator.shutdown()
        case .synchronousGenerator(let generator): await generator.shutdown()
        case .middleware(let middleware): await middleware.shutdown()
        }
    }
}
