/// Why a plugin could not be found, loaded, checked or instantiated.
///
/// Every error names the file, says what is wrong, and says how to fix it.
public struct PluginLoadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kinds of failure, for callers that react to one in particular.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case notFound, fileMissing, notELF, wrongArchitecture, missingDependency, openFailed
        case missingEntrySymbol, entryRefused, abiMajorMismatch, abiTooNew, structTooSmall
        case malformedDescriptor, manifestMismatch, manifestInvalid, checksumMismatch
        case insecurePermissions, createFailed, libraryInitFailed, pluginNotInLibrary
        /// The library crashed, hung or exited when it was probed in a child process
        /// (`PluginRegistry`); it is not loaded until probed again.
        case blacklisted
    }

    /// The file concerned (library or manifest).
    public let file: String
    /// The kind of failure.
    public let kind: Kind
    /// What is wrong.
    public let problem: String
    /// How to fix it.
    public let fix: String
    /// For `createFailed`: the plugin's own reason for refusing the node (e.g.
    /// `config.servers[0].command: …`), so a graph can place it at the node's config.
    public let pluginReason: String?

    /// Makes an error.
    public init(file: String, kind: Kind, problem: String, fix: String, pluginReason: String? = nil) {
        self.file = file
        self.kind = kind
        self.problem = problem
        self.fix = fix
        self.pluginReason = pluginReason
    }

    public var description: String {
        "\(file): \(problem)\n  fix: \(fix)"
    }
}

extension PluginLoadError {
    /// The library at `library` is blacklisted by the plugin registry for `reason`, found
    /// when it was probed at `probed`.
    static func blacklisted(_ library: String, reason: String, probed: String) -> PluginLoadError {
        PluginLoadError(
            file: library, kind: .blacklisted,
            problem: "the library is blacklisted: when it was loaded in a child process on \(probed), it \(reason); it is not loaded",
            fix: "fix the library (it is blacklisted only while unchanged), or run `manifold plugins --rescan` to probe it again")
    }
}
