import Foundation
import ManifoldHost
import ManifoldJSON
import ManifoldManifest

/// The target opened the way the host opens it, one step at a time, each problem kept for
/// the check it belongs to: what makes the host refuse the plugin for `loads`, a config
/// schema it refuses for `config-schema-valid` too; and, wherever the plugin can still be
/// driven (a manifest refused only for its config schema, a compiled schema the host would
/// refuse), the plugin, so the other checks still run.
struct TargetLoad {
    /// Why the host would refuse to load the plugin (manifest-descriptor disagreement aside,
    /// which is `descriptor-matches-manifest`'s), one line each.
    var refusals: [String] = []
    /// The manifest's `configSchema` as written, refused or not.
    var manifestSchema: JSONValue?
    /// Why the host refuses the manifest's `configSchema`: `$.configSchema…: message` lines.
    var manifestSchemaProblems: [String] = []
    /// Why the host refuses each plugin's compiled config schema, by plugin name.
    var compiledSchemaProblems: [String: String] = [:]
    /// The manifest file, when the target has one.
    var manifestFile: String?
    /// The library, once found.
    var libraryPath: String?
    /// The opened library's ABI and plugins.
    var library: LoadedLibrary?
    /// The plugin the checks drive; `nil` when none can be (see `unavailable`).
    var plugin: PluginUnderCheck?
    /// Why no plugin can be driven, when `plugin` is `nil`.
    var unavailable: String?

    /// The names of the library's plugins, in factory order.
    var pluginNames: [String] { library?.plugins.map(\.name) ?? [] }

    /// Opens `target`.
    init(_ target: ConformanceTarget) {
        let loader = PluginLoader(options: PluginLoaderOptions(allowInsecurePermissions: target.allowInsecurePlugins))
        switch target.location {
        case .manifest(let path):
            manifestFile = path
            guard let manifest = readManifest(path, loader: loader) else { return }
            do {
                libraryPath = try loader.resolveLibrary(manifest.library, manifestPath: path)
            } catch {
                fail(error)
                return
            }
            guard let library = open(libraryPath!, pin: manifest.sha256, manifestFile: path, target: target) else { return }
            let chosen = library.plugins.firstIndex { $0.name == manifest.name } ?? (library.plugins.count == 1 ? 0 : nil)
            guard let chosen else {
                fail(
                    "the library \(libraryPath!) holds no plugin named '\(manifest.name)'; it holds: "
                        + "\(pluginNames.joined(separator: ", ")); correct \"name\" in the manifest, or point \"library\" at the library that holds it")
                return
            }
            plugin = PluginUnderCheck(
                library: library, descriptor: library.plugins[chosen], vtable: library.vtables[chosen], manifest: manifest)
        case .library(let path):
            libraryPath = PluginLoader.absolute(path)
            guard let library = open(libraryPath!, pin: nil, manifestFile: nil, target: target) else { return }
            let chosen: Int?
            if let name = target.plugin {
                chosen = library.plugins.firstIndex { $0.name == name }
                if chosen == nil {
                    unavailable = "the library holds no plugin named '\(name)'; it holds: \(pluginNames.joined(separator: ", "))"
                }
            } else if library.plugins.count == 1 {
                chosen = 0
            } else {
                chosen = nil
                unavailable = "the library holds \(library.plugins.count) plugins (\(pluginNames.joined(separator: ", "))); name one with --plugin"
            }
            guard let chosen else { return }
            let descriptor = library.plugins[chosen]
            let manifest = PluginLoader.manifests(besideLibrary: libraryPath!)[descriptor.name]
            manifestFile = manifest?.file
            manifestSchema = manifest?.configSchema
            plugin = PluginUnderCheck(library: library, descriptor: descriptor, vtable: library.vtables[chosen], manifest: manifest)
        }
    }

    /// Reads a manifest as the host does, but keeps a refused `configSchema` apart: the
    /// manifest is then read again without it, so the plugin can still be checked.
    private mutating func readManifest(_ path: String, loader: PluginLoader) -> PluginManifest? {
        do {
            try loader.checkManifestTrusted(path)
        } catch {
            fail(error)
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("the manifest \(path) cannot be read; check that it exists and that you may read it")
            return nil
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: data)
        } catch {
            fail("the manifest \(path) is not JSON: \(error)")
            return nil
        }
        manifestSchema = json["configSchema"]
        do {
            return try PluginManifest.parse(json, file: path)
        } catch {
            let schemaPath = "$.configSchema"
            let (schemaErrors, others) = (
                error.errors.filter { $0.jsonPath.hasPrefix(schemaPath) }, error.errors.filter { !$0.jsonPath.hasPrefix(schemaPath) }
            )
            manifestSchemaProblems = schemaErrors.map { "\($0.jsonPath): \($0.message)" }
            refusals += error.errors.map { "the manifest is invalid: \($0.jsonPath): \($0.message)" + ($0.fix.map { "; \($0)" } ?? "") }
            guard others.isEmpty, var members = json.objectValue else {
                unavailable = "the manifest \(path) is invalid (see loads)"
                return nil
            }
            members["configSchema"] = nil
            return try? PluginManifest.parse(.object(members), file: path)
        }
    }

    private mutating func open(_ path: String, pin: String?, manifestFile: String?, target: ConformanceTarget) -> LoadedLibrary? {
        let library: LoadedLibrary
        do {
            library = try LoadedLibrary.open(
                path: path, pin: pin, manifest: manifestFile, allowInsecurePermissions: target.allowInsecurePlugins, compilingSchemas: false)
        } catch {
            fail(error)
            return nil
        }
        self.library = library
        for (index, descriptor) in library.plugins.enumerated() {
            guard let schema = descriptor.configSchema else { continue }
            do {
                try PluginDescriptor.checkConfigSchema(schema, plugin: descriptor.name, index: index, file: path)
            } catch {
                let problem = Self.oneLine(error)
                compiledSchemaProblems[descriptor.name] = problem
                refusals.append(problem)
            }
        }
        return library
    }

    private mutating func fail(_ error: any Error) {
        fail(Self.oneLine(error))
    }

    private mutating func fail(_ problem: String) {
        refusals.append(problem)
        unavailable = unavailable ?? problem
    }

    /// An error as one line: a `PluginLoadError`'s problem and fix, without the file (the
    /// report names it once), its indented lines joined.
    static func oneLine(_ error: any Error) -> String {
        let text: String
        if let error = error as? PluginLoadError {
            text = "\(error.problem); fix: \(error.fix)"
        } else {
            text = "\(error)"
        }
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
    }
}
