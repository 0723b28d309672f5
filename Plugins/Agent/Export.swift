import ManifoldAgentKit
import ManifoldPluginKit

/// The entry point the host looks up in `libManifoldAgent.so`: the `agent` generator.
@_cdecl("manifold_plugin_entry")
public func manifoldPluginEntry(_ hostABIVersion: UInt32) -> UnsafeRawPointer? {
    PluginExport.generator(AgentPlugin.self)
}
