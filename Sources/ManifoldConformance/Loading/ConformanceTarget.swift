/// What to check: a plugin manifest, or a library (one plugin of it, or each).
public struct ConformanceTarget: Sendable, Equatable {
    /// Where the plugin is.
    public enum Location: Sendable, Equatable {
        /// A plugin manifest; the library it names is checked against it.
        case manifest(String)
        /// A plugin library; each plugin is checked against the manifest beside the library
        /// that names it, if any.
        case library(String)
    }

    /// Where the plugin is.
    public var location: Location
    /// Of a library, the plugin to check; `nil` for its only plugin (or, for `loads`, all).
    public var plugin: String?
    /// Open files that someone other than root and the user could rewrite.
    public var allowInsecurePlugins: Bool

    /// A target.
    public init(location: Location, plugin: String? = nil, allowInsecurePlugins: Bool = false) {
        self.location = location
        self.plugin = plugin
        self.allowInsecurePlugins = allowInsecurePlugins
    }

    /// The path given, manifest or library.
    public var path: String {
        switch location {
        case .manifest(let path), .library(let path): return path
        }
    }
}
