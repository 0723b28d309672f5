import ManifoldMiddlewareKit
import ManifoldPluginKit

/// The entry point the host looks up in `libManifoldTimeout.so`: the `timeout` middleware.
@_cdecl("manifold_plugin_entry")
public func manifoldPluginEntry(_ hostABIVersion: UInt32) -> UnsafeRawPointer? {
    PluginExport.middleware(TimeoutPlugin.self)
}
