import ManifoldMiddlewareKit
import ManifoldPluginKit

/// The entry point the host looks up in `libManifoldMiddleware.so`: the standard middleware,
/// one library, five plugins (each with its own manifest in manifests/plugins).
@_cdecl("manifold_library_entry")
public func manifoldLibraryEntry() -> UnsafeRawPointer? {
    PluginLibrary.entry(
        .middleware(RetryPlugin.self), .middleware(TimeoutPlugin.self), .middleware(RateLimitPlugin.self),
        .middleware(RedactPlugin.self), .middleware(SchemaPlugin.self))
}
