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
    }

    /// The file concerned (library or manifest).
    public let file: String
    /// The kind of failure.
    public let kind: Kind
    /// What is wrong.
    public let problem: String
    /// How to fix it.
    public let fix: String

    /// Makes an error.
    public init(file: String, kind: Kind, problem: String, fix: String) {
        self.file = file
        self.kind = kind
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        "\(file): \(problem)\n  fix: \(fix)"
    }
}
