import ManifoldPluginKit
import ManifoldToolsKit

/// The entry point the host looks up in `libManifoldTools.so`: the `tools` generator.
@_cdecl("manifold_plugin_entry")
public func manifoldPluginEntry(_ hostABIVersion: UInt32) -> UnsafeRawPointer? {
    PluginExport.generator(ToolsPlugin.self)
}
