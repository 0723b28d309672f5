import Foundation

/// What the host learnt about plugin libraries by loading them in child processes: which
/// loaded cleanly and which crashed, hung or exited while loading (blacklisted), remembered by
/// the file's path, size, modification time and SHA-256, so an unchanged library is not probed
/// again and a blacklisted one is never loaded into a run.
///
/// Kept as JSON at `PluginRegistry.defaultPath`. A library that changes (a rebuild, a fix) no
/// longer matches its entry; `manifold plugins --rescan` probes every library again.
public struct PluginRegistry: Sendable {
    /// One library as it was probed.
    public struct Entry: Sendable, Codable, Equatable {
        /// The library's absolute path.
        public var library: String
        public var size: Int64
        /// Modification time, seconds since 1970.
        public var modified: Double
        public var sha256: String
        /// Why it is blacklisted; `nil` when it loaded cleanly.
        public var blacklistReason: String?
        /// When it was probed, ISO 8601.
        public var probed: String

        /// Whether it is blacklisted.
        public var isBlacklisted: Bool { blacklistReason != nil }
    }

    /// Where the registry lives: `$MANIFOLD_PLUGIN_REGISTRY`, else
    /// `$XDG_CACHE_HOME/manifold/plugin-registry.json`, else `~/.cache/manifold/plugin-registry.json`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["MANIFOLD_PLUGIN_REGISTRY"], !explicit.isEmpty { return explicit }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return cache + "/manifold/plugin-registry.json"
    }

    /// The registry file.
    public let path: String
    /// Entries by library path.
    public private(set) var entries: [String: Entry]

    /// Reads the registry at `path`; a missing or unreadable file is an empty registry (it is
    /// a cache: the next probe rebuilds it).
    public init(path: String = PluginRegistry.defaultPath()) {
        self.path = path
        let data = FileManager.default.contents(atPath: path) ?? Data()
        let list = (try? JSONDecoder().decode([Entry].self, from: data)) ?? []
        entries = Dictionary(list.map { ($0.library, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The entry for the library at `library` if it still describes that file (same size and
    /// modification time and, when given, the same SHA-256).
    public func entry(forLibrary library: String, sha256: String? = nil) -> Entry? {
        guard let entry = entries[library], let (size, modified) = Self.identity(of: library),
            entry.size == size, entry.modified == modified, sha256 == nil || sha256 == entry.sha256
        else { return nil }
        return entry
    }

    /// Records how the library at `library` (with digest `sha256`) loaded: `blacklistReason`
    /// `nil` for cleanly.
    public mutating func record(library: String, sha256: String, blacklistReason: String?) {
        guard let (size, modified) = Self.identity(of: library) else { return }
        entries[library] = Entry(
            library: library, size: size, modified: modified, sha256: sha256, blacklistReason: blacklistReason,
            probed: ISO8601DateFormatter().string(from: Date()))
    }

    /// Forgets every entry (before probing everything again).
    public mutating func removeAll() {
        entries = [:]
    }

    /// Writes the registry, without the entries of libraries that no longer exist: readable
    /// by its owner only, replaced in one rename so that a reader never sees half a file.
    ///
    /// - Throws: when the folder cannot be made or the file written.
    public func save() throws {
        let entries = self.entries.filter { FileManager.default.fileExists(atPath: $0.key) }
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(entries.values.sorted { $0.library < $1.library })
        let temporary = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: reason])
        }
    }

    /// A library's size and modification time, `nil` when it cannot be read.
    private static func identity(of library: String) -> (Int64, Double)? {
        var status = stat()
        guard stat(library, &status) == 0 else { return nil }
        let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
        return (Int64(status.st_size), modified)
    }
}
