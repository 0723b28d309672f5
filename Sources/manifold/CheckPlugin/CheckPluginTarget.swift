import Foundation
import ManifoldConformance
import ManifoldHost

/// What `manifold check-plugin PLUGIN` means by PLUGIN: a manifest (`….json`), a library (a
/// path, or a name ending in `.so`), or else a plugin name found in the search paths as
/// `manifold run` finds it.
enum CheckPluginTarget {
    /// Why PLUGIN names nothing to check: the user's to fix.
    struct NotFound: Error, CustomStringConvertible {
        let problem: String
        let fix: String
        var description: String { "error: \(problem)\n  fix: \(fix)" }
    }

    /// Where PLUGIN is.
    static func resolve(_ argument: String, searchPaths: [String]) throws(NotFound) -> ConformanceTarget.Location {
        let isManifest = argument.hasSuffix(".json")
        let isLibrary = !isManifest && (argument.contains("/") || argument.hasSuffix(".so") || argument.contains(".so."))
        guard isManifest || isLibrary else { return .manifest(try manifest(named: argument, searchPaths: searchPaths)) }
        let absolute = PluginLoader.absolute(argument)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder) else {
            throw NotFound(
                problem: "\(argument): no such file",
                fix: isManifest
                    ? "check the path of the plugin manifest, or give the plugin's name to find it in the search paths (`manifold plugins` lists them)"
                    : "check the path of the library (`swift build` puts the bundled ones in .build/debug), or give a plugin name")
        }
        guard !isFolder.boolValue else {
            throw NotFound(problem: "\(argument) is a folder", fix: "name a plugin manifest (.json) or library (.so) in it")
        }
        return isManifest ? .manifest(absolute) : .library(absolute)
    }

    private static func manifest(named name: String, searchPaths: [String]) throws(NotFound) -> String {
        do {
            return try PluginLoader(options: PluginLoaderOptions(searchPaths: searchPaths)).manifestFile(named: name)
        } catch let error as PluginLoadError {
            // The loader's fix speaks of graphs; here only the search path applies.
            let fix = error.fix.replacingOccurrences(of: "the graph's \"plugins\" paths or to ", with: "")
            throw NotFound(problem: error.problem, fix: fix + "; or give the path of a manifest (.json) or library (.so)")
        } catch {
            throw NotFound(problem: "\(error)", fix: "give the path of a manifest (.json) or library (.so)")
        }
    }
}
