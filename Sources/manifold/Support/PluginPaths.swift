import Foundation

/// Where `manifold` looks for plugin manifests when a command is not told, and why each
/// folder is searched: only folders someone named — never the current folder, whose
/// manifests (and the libraries they point to) may come from a checkout nobody vetted.
enum PluginPaths {
    /// One folder of the search path and who named it.
    struct Entry: Equatable {
        let path: String
        let origin: String
    }

    /// The default search path, in order: `MANIFOLD_PLUGIN_PATH` (colon-separated), the
    /// installation's `share/manifold/plugins` beside the executable's `bin`, and the
    /// `manifests/plugins` of the source checkout the executable was built in.
    static var defaultEntries: [Entry] {
        var entries: [Entry] = []
        if let configured = ProcessInfo.processInfo.environment["MANIFOLD_PLUGIN_PATH"] {
            entries += configured.split(separator: ":").map { Entry(path: String($0), origin: "MANIFOLD_PLUGIN_PATH") }
        }
        if let installed = installedManifests { entries.append(Entry(path: installed, origin: "the installation")) }
        if let bundled = bundledManifests, !entries.contains(where: { $0.path == bundled }) {
            entries.append(Entry(path: bundled, origin: "the checkout this manifold was built in"))
        }
        return entries
    }

    /// The default search path's folders.
    static var defaults: [String] { defaultEntries.map(\.path) }

    /// What `-v` prints: every folder searched, in order, with who named it.
    static func describe(graphPaths: [String] = [], defaults: [Entry] = defaultEntries) -> String {
        let entries = graphPaths.map { Entry(path: $0, origin: "the graph's \"plugins\"") } + defaults
        guard !entries.isEmpty else { return "plugin search path: empty (set MANIFOLD_PLUGIN_PATH or the graph's \"plugins\")" }
        return (["plugin search path, in order:"] + entries.map { "  \($0.path)  (\($0.origin))" }).joined(separator: "\n")
    }

    /// `PREFIX/share/manifold/plugins` for an executable installed as `PREFIX/bin/manifold`.
    static var installedManifests: String? {
        guard let executable = executablePath else { return nil }
        let bin = (executable as NSString).deletingLastPathComponent
        guard (bin as NSString).lastPathComponent == "bin" else { return nil }
        let candidate = ((bin as NSString).deletingLastPathComponent as NSString).appendingPathComponent("share/manifold/plugins")
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }

    /// The `manifests/plugins` folder of the checkout the running binary was built in.
    static var bundledManifests: String? {
        guard let executable = executablePath else { return nil }
        var folder = (executable as NSString).deletingLastPathComponent
        while folder != "/" && !folder.isEmpty {
            let candidate = folder + "/manifests/plugins"
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }

    private static var executablePath: String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }
}
