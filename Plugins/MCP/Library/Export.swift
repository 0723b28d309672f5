import ManifoldMCPKit
import ManifoldPluginKit

/// The entry point the host looks up in `libManifoldMCP.so`: the `mcp` generator.
@_cdecl("manifold_library_entry")
public func manifoldLibraryEntry() -> UnsafeRawPointer? {
    PluginLibrary.entry(.generator(MCPPlugin.self))
}
