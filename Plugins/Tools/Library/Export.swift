import ManifoldPluginKit
import ManifoldToolsKit

/// The entry point the host looks up in `libManifoldTools.so`: the `tools` generator.
@_cdecl("manifold_library_entry")
public func manifoldLibraryEntry() -> UnsafeRawPointer? {
    PluginLibrary.entry(.generator(ToolsPlugin.self))
}
