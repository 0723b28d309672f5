import Foundation
import ManifoldJSON
import ManifoldManifest
import Synchronization

/// Where the loader looks for plugins, and how strict it is.
public struct PluginLoaderOptions: Sendable {
    /// Folders holding plugin manifests (`*.json`) and, usually, their libraries.
    public var searchPaths: [String]
    /// Further folders to look in for a library a manifest names, after the manifest's own folder.
    public var libraryPaths: [String]
    /// Load libraries even when they or their folders are writable by every user.
    public var allowInsecurePermissions: Bool
    /// How isolated nodes' workers are run; by default this very program is the worker.
    public var isolation: IsolationSettings
    /// Libraries found broken when probed in a child process: refused instead of loaded.
    /// `nil` (the default) consults no registry.
    public var registry: PluginRegistry?
    /// Probes a library the registry does not know in a child process before it is loaded
    /// here; `nil` (the default) loads it without.
    public var probing: (any LibraryProbing)?

    /// Options; `libraryPaths` defaults to `PluginLoader.defaultLibraryPaths`.
    public init(
        searchPaths: [String] = [], libraryPaths: [String]? = nil, allowInsecurePermissions: Bool = false,
        isolation: IsolationSettings? = nil
    ) {
        self.searchPaths = searchPaths
        self.libraryPaths = libraryPaths ?? PluginLoader.defaultLibraryPaths
        self.allowInsecurePermissions = allowInsecurePermissions
        self.isolation = isolation ?? IsolationSettings(executable: IsolationSettings.currentExecutable)
    }
}

/// One entry of `PluginLoader.discoverManifests()`: a plugin manifest found in the search
/// paths, described without running any code, or the reason it is broken.
public struct DescribedPlugin: Sendable {
    /// The manifest that was found.
    public let file: String
    /// The plugin as its manifest describes it, when every check passed.
    public let plugin: ManifestPlugin?
    /// Why it cannot be used.
    public let error: (any Error)?
}

/// One entry of `PluginLoader.discover()`: a plugin found in the search paths, loaded, or
/// the reason it cannot be.
public struct DiscoveredPlugin: Sendable {
    /// The manifest (or library, when it has none) that was found.
    public let file: String
    /// The plugin, when it loaded.
    public let plugin: LoadedPlugin?
    /// Why it did not load.
    public let error: (any Error)?
}

/// Finds plugins, opens their libraries, and checks each against its manifest.
///
/// Loading one plugin twice (two nodes) opens its library once; every node gets its own
/// instance from the same `LoadedPlugin`.
public final class PluginLoader: Sendable {
    /// The loader's settings.
    public let options: PluginLoaderOptions
    private let cache = Mutex<[String: LoadedPlugin]>([:])
    private let libraries = Mutex<[String: LoadedLibrary]>([:])
    private let nameIndex = Mutex<[String: String]?>(nil)

    /// Makes a loader.
    public init(options: PluginLoaderOptions = PluginLoaderOptions()) {
        self.options = options
    }

    /// The folder of the running executable (bundled plugins are built beside `manifold`),
    /// then the folders in `MANIFOLD_LIBRARY_PATH` (colon-separated).
    public static var defaultLibraryPaths: [String] {
        var paths: [String] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            paths.append((executable as NSString).deletingLastPathComponent)
        }
        if let extra = ProcessInfo.processInfo.environment["MANIFOLD_LIBRARY_PATH"] {
            paths += extra.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        return paths
    }

    // MARK: Finding

    /// Every plugin manifest in the search paths, each loaded or with the reason it is broken.
    public func discover() -> [DiscoveredPlugin] {
        var found: [DiscoveredPlugin] = []
        for file in manifestFiles() {
            do {
                found.append(DiscoveredPlugin(file: file, plugin: try load(manifestAt: file), error: nil))
            } catch {
                found.append(DiscoveredPlugin(file: file, plugin: nil, error: error))
            }
        }
        return found
    }

    /// Every plugin manifest in the search paths, each described from its manifest alone or
    /// with the reason it is broken; no library is loaded.
    public func discoverManifests() -> [DescribedPlugin] {
        manifestFiles().map { file in
            do {
                return DescribedPlugin(file: file, plugin: try describe(manifestAt: file), error: nil)
            } catch {
                return DescribedPlugin(file: file, plugin: nil, error: error)
            }
        }
    }

    /// The plugin whose manifest has this name, described from the manifest alone.
    ///
    /// - Throws: as `describe(manifestAt:)`, or `.notFound`.
    public func describe(named name: String) throws -> ManifestPlugin {
        try describe(manifestAt: try manifestFile(named: name))
    }

    /// The plugin a manifest declares, after every check that needs no plugin code: the
    /// manifest is valid and trusted, and its library exists, is trusted, is an ELF shared
    /// object for this machine and matches the manifest's `sha256`. The library is read, never
    /// loaded: the cross-check of the manifest against the compiled descriptor happens when a
    /// run loads it (or `manifold inspect --check`, in a child process).
    public func describe(manifestAt path: String) throws -> ManifestPlugin {
        let manifest = try readManifest(at: path)
        let library = try resolveLibrary(manifest.library, manifestPath: path)
        try LibraryFile.checkExists(library)
        let trusted = options.allowInsecurePermissions ? library : try LibraryFile.checkPermissions(library)
        try LibraryFile.checkELF(trusted)
        let (descriptor, digest) = try LibraryFile.openPinned(trusted, pin: manifest.sha256, manifest: manifest.file)
        close(descriptor)
        return ManifestPlugin(manifest: manifest, libraryPath: library, sha256: digest)
    }

    /// The provider of the plugin whose manifest has this name, chosen by the manifest's
    /// `runtime` (`native`: the library loaded into this process).
    ///
    /// - Throws: as `load(named:)`.
    public func provider(named name: String) throws -> any PluginProvider {
        let file = try manifestFile(named: name)
        let manifest = try readManifest(at: file)
        // The runtime is read before any library is opened: a provider that runs plugins
        // elsewhere must not load their code here.
        switch manifest.runtime {
        case .native: return try load(manifest, at: file)
        case .process: return try isolatedProvider(named: name)
        }
    }

    /// The plugin whose manifest has this name, to run in worker processes: described from
    /// its manifest, with every check that needs no plugin code, and never loaded here.
    ///
    /// - Throws: as `describe(named:)`.
    public func isolatedProvider(named name: String) throws -> ProcessPlugin {
        let file = try manifestFile(named: name)
        let described = try describe(manifestAt: file)
        if let entry = options.registry?.entry(forLibrary: described.location, sha256: described.sha256),
            let reason = entry.blacklistReason
        {
            throw PluginLoadError.blacklisted(described.location, reason: reason, probed: entry.probed)
        }
        return ProcessPlugin(described: described, manifestFile: file, options: options)
    }

    /// Loads the plugin whose manifest has this name.
    ///
    /// - Throws: `PluginLoadError.Kind.notFound` listing the plugins that do exist, or any
    ///   error of `load(manifestAt:)`.
    public func load(named name: String) throws -> LoadedPlugin {
        try load(manifestAt: try manifestFile(named: name))
    }

    /// The manifest in the search paths whose "name" is `name`.
    ///
    /// - Throws: `PluginLoadError.Kind.notFound` listing the plugins that do exist.
    package func manifestFile(named name: String) throws -> String {
        let index = manifestIndex()
        if let file = index[name] { return file }
        let searched = options.searchPaths.isEmpty ? "(no search paths)" : options.searchPaths.joined(separator: ", ")
        throw PluginLoadError(
            file: name, kind: .notFound,
            problem: "no plugin named '\(name)' in \(searched)"
                + (index.isEmpty ? "" : "; found: \(index.keys.sorted().joined(separator: ", "))"),
            fix: (NameSuggestion.closest(to: name, among: index.keys).map { "did you mean '\($0)'? " } ?? "")
                + "check the name, or add the folder holding \(name).json to the graph's \"plugins\" paths or to MANIFOLD_PLUGIN_PATH")
    }

    /// Each plugin name in the search paths and the first manifest that has it, read once per
    /// loader: a graph naming many plugins must not read every manifest for each.
    private func manifestIndex() -> [String: String] {
        if let index = nameIndex.withLock({ $0 }) { return index }
        var files: [String: String] = [:]
        for file in manifestFiles() {
            guard let manifestName = Self.peekName(file), files[manifestName] == nil else { continue }
            files[manifestName] = file
        }
        nameIndex.withLock { $0 = files }
        return files
    }

    /// Loads the plugin a manifest describes and checks the library against it.
    public func load(manifestAt path: String) throws -> LoadedPlugin {
        try load(try readManifest(at: path), at: path)
    }

    private func load(_ manifest: PluginManifest, at path: String) throws -> LoadedPlugin {
        let library = try resolveLibrary(manifest.library, manifestPath: path)
        return try load(library: library, manifest: manifest)
    }

    private func readManifest(at path: String) throws -> PluginManifest {
        try checkManifestTrusted(path)
        do {
            return try PluginManifest.load(from: path)
        } catch {
            throw PluginLoadError(
                file: path, kind: .manifestInvalid, problem: "the plugin manifest is invalid:\n    \(error)",
                fix: "correct the manifest; manifests/schema/plugin.schema.json describes the format")
        }
    }

    /// Refuses a manifest that someone other than root and the user could rewrite (unless the
    /// options allow it): a manifest names the library to load, so whoever can rewrite it
    /// chooses the code.
    ///
    /// - Throws: `PluginLoadError.Kind.insecurePermissions` naming the path at fault.
    package func checkManifestTrusted(_ path: String) throws {
        if !options.allowInsecurePermissions {
            _ = try LibraryFile.checkPermissions(path, role: "plugin manifest")
        }
    }

    /// Loads a library directly: its one plugin, or, when it holds several, the first one a
    /// manifest beside it describes. Each is checked against the manifest beside the library
    /// that names it and the plugin.
    public func load(libraryAt path: String) throws -> LoadedPlugin {
        let plugins = try load(allInLibraryAt: path)
        return plugins[0]
    }

    /// Loads every plugin a library holds, each checked against the manifest beside the
    /// library that names both (plugins without one are returned unchecked).
    public func load(allInLibraryAt path: String) throws -> [LoadedPlugin] {
        let absolute = Self.absolute(path)
        let manifests = Self.manifests(besideLibrary: absolute)
        let library = try openLibrary(absolute, pin: nil, manifest: nil)
        return try library.plugins.map { descriptor in
            try plugin(descriptor.name, in: library, manifest: manifests[descriptor.name], path: absolute)
        }
    }

    /// The manifests in the library's folder that name it, by plugin name (the first file, in
    /// name order, for each plugin); manifests that do not parse are left out.
    package static func manifests(besideLibrary path: String) -> [String: PluginManifest] {
        let absolute = Self.absolute(path)
        let folder = (absolute as NSString).deletingLastPathComponent
        let fileName = (absolute as NSString).lastPathComponent
        let beside = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var manifests: [String: PluginManifest] = [:]
        for candidate in beside.sorted() where candidate.hasSuffix(".json") {
            let manifestPath = (folder as NSString).appendingPathComponent(candidate)
            // A build folder holds many large JSON files that are no manifests: only a small
            // file that mentions the library is worth parsing.
            guard Self.mightName(fileName, manifestAt: manifestPath) else { continue }
            if let manifest = try? PluginManifest.load(from: manifestPath),
                (manifest.library as NSString).lastPathComponent == fileName, manifests[manifest.name] == nil
            {
                manifests[manifest.name] = manifest
            }
        }
        return manifests
    }

    // MARK: Loading

    private func load(library path: String, manifest: PluginManifest) throws -> LoadedPlugin {
        let library = try openLibrary(path, pin: manifest.sha256, manifest: manifest.file)
        return try plugin(manifest.name, in: library, manifest: manifest, path: path)
    }

    private func plugin(_ name: String, in library: LoadedLibrary, manifest: PluginManifest?, path: String) throws -> LoadedPlugin {
        let key = library.path + "#" + name
        if let cached = cache.withLock({ $0[key] }) {
            if let manifest, cached.manifest?.file != manifest.file {
                try ManifestCheck.verify(descriptor: cached.descriptor, sha256: cached.sha256, against: manifest, library: path)
            }
            return cached
        }
        // A library of one plugin is checked whole against its manifest, so a wrong name is
        // listed with every other disagreement; in a library of several the name chooses.
        let found = library.plugin(named: name) ?? (library.plugins.count == 1 ? (library.plugins[0], library.vtables[0]) : nil)
        guard let (descriptor, vtable) = found else {
            throw PluginLoadError(
                file: path, kind: .pluginNotInLibrary,
                problem: "the library holds no plugin named '\(name)'; it holds: \(library.plugins.map(\.name).joined(separator: ", "))",
                fix: "correct \"name\" in \(manifest?.file ?? "the manifest"), or point \"library\" at the library that holds it")
        }
        if let manifest {
            try ManifestCheck.verify(descriptor: descriptor, sha256: library.sha256, against: manifest, library: path)
        }
        let plugin = LoadedPlugin(library: library, descriptor: descriptor, manifest: manifest, vtable: vtable)
        return cache.withLock { cache in
            if let raced = cache[key] { return raced }
            cache[key] = plugin
            return plugin
        }
    }

    /// The library at `path`, opened once per process and loader.
    private func openLibrary(_ path: String, pin: String?, manifest: String?) throws -> LoadedLibrary {
        let key = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { Self.absolute($0) } ?? path
        if let cached = libraries.withLock({ $0[key] }) { return cached }
        let library = try LoadedLibrary.open(
            path: path, pin: pin, manifest: manifest, allowInsecurePermissions: options.allowInsecurePermissions,
            probes: options.registry, probing: options.probing)
        return libraries.withLock { libraries in
            if let raced = libraries[key] { return raced }
            libraries[key] = library
            return library
        }
    }

    /// The library a manifest at `manifestPath` names: an absolute path as it is, else beside
    /// the manifest, then in the options' library paths.
    ///
    /// - Throws: `PluginLoadError.Kind.fileMissing` naming every folder looked in.
    package func resolveLibrary(_ library: String, manifestPath: String) throws -> String {
        if library.hasPrefix("/") {
            try LibraryFile.checkExists(library)
            return library
        }
        let manifestFolder = (Self.absolute(manifestPath) as NSString).deletingLastPathComponent
        let folders = [manifestFolder] + options.libraryPaths
        for folder in folders {
            let candidate = ((folder as NSString).appendingPathComponent(library) as NSString).standardizingPath
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        throw PluginLoadError(
            file: manifestPath, kind: .fileMissing,
            problem: "the library '\(library)' named by the manifest is in none of: \(folders.joined(separator: ", "))",
            fix: "build it (swift build builds the bundled plugins), put it beside the manifest, or add its folder to MANIFOLD_LIBRARY_PATH")
    }

    /// The plugin manifests of the search paths: their `.json` files that are manifests by
    /// `isPluginManifest`; any other JSON there (a graph kept beside its plugins) is no plugin,
    /// neither listed as a broken one nor found by its "name".
    private func manifestFiles() -> [String] {
        var files: [String] = []
        for folder in options.searchPaths {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for entry in entries.sorted() where entry.hasSuffix(".json") {
                let file = (Self.absolute(folder) as NSString).appendingPathComponent(entry)
                if Self.isPluginManifest(file) { files.append(file) }
            }
        }
        return files
    }

    /// Whether a JSON file is meant as a plugin manifest: a JSON object with the key
    /// `manifestVersion`, which every manifest must have; or a file that is not JSON but
    /// mentions that key (a manifest with a syntax error, to be reported as broken).
    static func isPluginManifest(_ file: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: file) else {
            // Unreadable: reported as broken, with the reason, when it is read for real.
            return true
        }
        guard let json = try? JSONValue(parsing: data) else {
            return data.range(of: Data("\"manifestVersion\"".utf8)) != nil
        }
        return json.objectValue?["manifestVersion"] != nil
    }

    /// Whether the file at `path` is small enough to be a plugin manifest and contains
    /// `libraryName`.
    private static func mightName(_ libraryName: String, manifestAt path: String) -> Bool {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size <= 1 << 20,
            let data = FileManager.default.contents(atPath: path)
        else { return false }
        return data.range(of: Data(libraryName.utf8)) != nil
    }

    /// The "name" of a JSON file, without validating the rest (to find a plugin by name).
    private static func peekName(_ file: String) -> String? {
        guard let data = FileManager.default.contents(atPath: file), let json = try? JSONValue(parsing: data) else { return nil }
        return json["name"]?.stringValue
    }

    /// `path` made absolute against the current folder and standardised.
    package static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }
}
