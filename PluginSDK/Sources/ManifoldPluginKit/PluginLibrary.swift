import CManifoldABI
import Foundation
import Synchronization

/// Turns Swift plugin types into the C library entry the host loads.
///
/// ```swift
/// @_cdecl("manifold_library_entry")          // must be public, or dlsym will not find it
/// public func manifoldLibraryEntry() -> UnsafeRawPointer? {
///     PluginLibrary.entry(.generator(Reverse.self), .middleware(Audit.self))
/// }
/// ```
public enum PluginLibrary {
    /// The library's entry, listing `plugins` in its factory. Built on the first call; later
    /// calls return the same entry (the list given first wins).
    public static func entry(_ plugins: ExportedPlugin...) -> UnsafeRawPointer {
        exportedLibrary.withLock { library in
            if let built = library { return UnsafeRawPointer(built.entry) }
            let built = BuiltLibrary(plugins: plugins)
            library = built
            return UnsafeRawPointer(built.entry)
        }
    }

    /// The exported plugin behind a descriptor this library made, if it is one.
    static func plugin(for descriptor: UnsafePointer<manifold_plugin>?) -> ExportedPlugin? {
        guard let descriptor else { return nil }
        return exportedLibrary.withLock { $0?.byDescriptor[UInt(bitPattern: descriptor)] }
    }
}

/// The library's C structs, allocated once and kept for the life of the process, as the ABI
/// requires of everything a descriptor points to.
final class BuiltLibrary: @unchecked Sendable {
    let entry: UnsafeMutablePointer<manifold_library>
    let factory: UnsafeMutablePointer<manifold_plugin_factory>
    let descriptors: [UnsafeMutablePointer<manifold_plugin>]
    let byDescriptor: [UInt: ExportedPlugin]

    init(plugins: [ExportedPlugin]) {
        descriptors = plugins.map(Self.makeDescriptor)
        var index: [UInt: ExportedPlugin] = [:]
        for (descriptor, plugin) in zip(descriptors, plugins) { index[UInt(bitPattern: descriptor)] = plugin }
        byDescriptor = index

        factory = .allocate(capacity: 1)
        factory.initialize(to: manifold_plugin_factory(
            struct_size: UInt32(MemoryLayout<manifold_plugin_factory>.size),
            plugin_count: factoryPluginCount, plugin_at: factoryPluginAt))
        entry = .allocate(capacity: 1)
        entry.initialize(to: manifold_library(
            abi_version: MANIFOLD_ABI_VERSION, struct_size: UInt32(MemoryLayout<manifold_library>.size),
            init: nil, deinit: nil, get_factory: libraryGetFactory))
    }

    private static func makeDescriptor(_ plugin: ExportedPlugin) -> UnsafeMutablePointer<manifold_plugin> {
        func permanent(_ text: String) -> UnsafePointer<CChar> { UnsafePointer(strdup(text)!) }
        func list(_ types: [String]) -> UnsafePointer<UnsafePointer<CChar>?> {
            let array = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: max(types.count, 1))
            for (index, type) in types.enumerated() { array[index] = permanent(type) }
            return UnsafePointer(array)
        }
        let info = plugin.info
        let inputs = info.ports.inputs.types.map(\.description)
        let outputs = info.ports.outputs.types.map(\.description)
        var descriptor = manifold_plugin()
        descriptor.struct_size = UInt32(MemoryLayout<manifold_plugin>.size)
        descriptor.name = permanent(info.name)
        descriptor.version = permanent(info.version)
        descriptor.description = permanent(info.summary)
        descriptor.kind = plugin.kind
        descriptor.flags = info.allowsConcurrentProcessing ? MANIFOLD_PLUGIN_FLAG_CONCURRENT : 0
        descriptor.input_types = list(inputs)
        descriptor.input_type_count = inputs.count
        descriptor.output_types = list(outputs)
        descriptor.output_type_count = outputs.count
        descriptor.config_schema = info.configSchema.map { permanent($0.jsonText) }
        descriptor.create = pluginCreate
        descriptor.process = pluginProcess
        descriptor.shutdown = pluginShutdown
        descriptor.destroy = pluginDestroy
        descriptor.get_extension = pluginGetExtension
        let pointer = UnsafeMutablePointer<manifold_plugin>.allocate(capacity: 1)
        pointer.initialize(to: descriptor)
        return pointer
    }
}

private let exportedLibrary = Mutex<BuiltLibrary?>(nil)

private let libraryGetFactory: @convention(c) (UnsafePointer<CChar>?) -> UnsafeRawPointer? = { id in
    guard let id, String(cString: id) == MANIFOLD_PLUGIN_FACTORY_ID else { return nil }
    return exportedLibrary.withLock { $0.map { UnsafeRawPointer($0.factory) } }
}

private let factoryPluginCount: @convention(c) (UnsafePointer<manifold_plugin_factory>?) -> UInt32 = { _ in
    exportedLibrary.withLock { UInt32($0?.descriptors.count ?? 0) }
}

private let factoryPluginAt: @convention(c) (UnsafePointer<manifold_plugin_factory>?, UInt32) -> UnsafePointer<manifold_plugin>? = {
    _, index in
    exportedLibrary.withLock { library in
        guard let library, Int(index) < library.descriptors.count else { return nil }
        return UnsafePointer(library.descriptors[Int(index)])
    }
}
