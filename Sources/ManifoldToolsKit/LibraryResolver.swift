import Foundation
import ManifoldFFI

/// Finds and opens the shared library a tool names.
///
/// Search order for a name that is not an absolute path:
/// 1. each folder of `libraryPaths`, in order (a file that exists there is opened, and a
///    failure to open it is reported as is);
/// 2. the dynamic loader, for a bare name (`libm.so.6`: `LD_LIBRARY_PATH`, the ldconfig
///    cache, the system folders), or the working directory for a relative path;
/// 3. the folder of the running executable (`/proc/self/exe`), so libraries installed beside
///    `manifold` (the bundled `libManifoldExampleTools.so`) are found by bare name.
struct LibraryResolver: Sendable {
    /// Folders searched first.
    let searchPaths: [String]
    /// The running executable's folder, when it can be known.
    let executableDirectory: String?

    /// A resolver searching `searchPaths`, then the loader, then the executable's folder.
    init(searchPaths: [String], executableDirectory: String? = LibraryResolver.currentExecutableDirectory) {
        self.searchPaths = searchPaths
        self.executableDirectory = executableDirectory
    }

    /// The folder of the running executable, from `/proc/self/exe` (or the main bundle elsewhere).
    static var currentExecutableDirectory: String? {
        #if os(Linux)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        #else
        guard let executable = Bundle.main.executableURL else { return nil }
        #endif
        let folder = executable.deletingLastPathComponent().path
        return folder == "/proc/self" ? nil : folder
    }

    /// Opens `name`.
    ///
    /// - Throws: the loader's `ForeignCallError` for a file that exists but cannot be loaded;
    ///   `LibraryNotFound` listing every place tried otherwise.
    func open(_ name: String) throws -> ForeignLibrary {
        if name.hasPrefix("/") { return try ForeignLibrary.open(name) }
        var attempts: [String] = []
        for folder in searchPaths {
            if let library = try openIfPresent(URL(fileURLWithPath: folder).appendingPathComponent(name).path, &attempts) {
                return library
            }
        }
        do {
            return try ForeignLibrary.open(name)
        } catch {
            let what = name.contains("/") ? "relative to the working directory" : "the dynamic loader"
            attempts.append("\(what): \(Self.loaderMessage(error))")
        }
        if !name.contains("/"), let folder = executableDirectory,
            let library = try openIfPresent(URL(fileURLWithPath: folder).appendingPathComponent(name).path, &attempts)
        {
            return library
        }
        throw LibraryNotFound(library: name, attempts: attempts)
    }

    private func openIfPresent(_ path: String, _ attempts: inout [String]) throws -> ForeignLibrary? {
        guard FileManager.default.fileExists(atPath: path) else {
            attempts.append("\(path): no such file")
            return nil
        }
        return try ForeignLibrary.open(path)
    }

    private static func loaderMessage(_ error: any Error) -> String {
        if case ForeignCallError.libraryUnavailable(_, let message) = error { return message }
        return "\(error)"
    }
}

/// No place a library name was looked for had it.
struct LibraryNotFound: Error, CustomStringConvertible {
    /// The name as configured.
    let library: String
    /// Each place tried and why it did not work.
    let attempts: [String]

    var description: String {
        "cannot find library '\(library)'; tried \(attempts.joined(separator: "; ")); "
            + "give an absolute path, add the library's folder to config.libraryPaths, "
            + "or install it where the dynamic loader finds it (LD_LIBRARY_PATH, ldconfig)"
    }
}
