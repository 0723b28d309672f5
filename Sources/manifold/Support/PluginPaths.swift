import Foundation

/// Where `manifold` looks for plugin manifests when a command is not told.
enum PluginPaths {
    /// `MANIFOLD_PLUGIN_PATH` (colon-separated), then the bundled `manifests/plugins` found
    /// above the executable (a source checkout) or in the current folder.
    static var defaults: [String] {
        var paths: [String] = []
        if let configured = ProcessInfo.processInfo.environment["MANIFOLD_PLUGIN_PATH"] {
            paths += configured.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        if let bundled = bundledManifests { paths.append(bundled) }
        let local = FileManager.default.currentDirectoryPath + "/manifests/plugins"
        if FileManager.default.fileExists(atPath: local), !paths.contains(local) { paths.append(local) }
        return paths
    }

    /// The `manifests/plugins` folder of the checkout the running binary was built in.
    static var bundledManifests: String? {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var folder = (executable as NSString).deletingLastPathComponent
        while folder != "/" && !folder.isEmpty {
            let candidate = folder + "/manifests/plugins"
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }
}
