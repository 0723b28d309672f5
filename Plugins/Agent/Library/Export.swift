import ManifoldAgentKit
import ManifoldPluginKit

/// The entry point the host looks up in `libManifoldAgent.so`: the `agent` generator.
@_cdecl("manifold_library_entry")
public func manifoldLibraryEntry() -> UnsafeRawPointer? {
    PluginLibrary.entry(.generator(AgentPlugin.self))
}
