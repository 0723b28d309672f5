import Foundation
import ManifoldFFI
import ManifoldTrust

/// Finds the shared library a tool names, checks it as the host checks plugin libraries, and
/// opens it.
///
/// The file is located before anything is loaded, so the checks apply to the file the loader
/// will map. Search order for a name that is not an absolute path:
/// 1. each folder of `libraryPaths`, in order;
/// 2. for a relative path with a `/`, the working directory; for a bare name (`libm.so.6`),
///    the folders the dynamic loader searches: `LD_LIBRARY_PATH`, the folders listed in
///    `/etc/ld.so.conf.d`, then the system's library folders;
/// 3. the folder of the running executable (`/proc/self/exe`), so libraries installed beside
///    `manifold` (the bundled `libManifoldExampleTools.so`) are found by bare name.
///
/// Then, unless `allowInsecureLibraries`, the file and every folder on the way to it must be
/// owned by root or the user and writable by no one else (`FileTrust`); and when the tool pins
/// a `sha256`, the open file is hashed and loaded through its descriptor.
struct LibraryResolver: Sendable {
    /// Folders searched first.
    let searchPaths: [String]
    /// The running executable's folder, when it can be known.
    let executableDirectory: String?
    /// Load libraries that others could replace (the node's `allowInsecureLibraries`).
    let allowInsecureLibraries: Bool

    /// A resolver searching `searchPaths`, then the loader's folders, then the executable's folder.
    init(
        searchPaths: [String], executableDirectory: String? = LibraryResolver.currentExecutableDirectory,
        allowInsecureLibraries: Bool = false
    ) {
        self.searchPaths = searchPaths
        self.executableDirectory = executableDirectory
        self.allowInsecureLibraries = allowInsecureLibraries
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

    /// Finds, checks and opens `name`.
    ///
    /// - Parameter sha256: the digest the file must have, lowercase or uppercase hex.
    /// - Throws: `LibraryNotFound` listing every place tried, `UntrustedLibrary`,
    ///   `LibraryPinMismatch`, or the loader's `ForeignCallError`.
    func open(_ name: String, sha256: String? = nil) throws -> ForeignLibrary {
        let path = try locate(name)
        let trusted: String
        if allowInsecureLibraries {
            trusted = path
        } else {
            do {
                trusted = try FileTrust.check(path, role: "tool library")
            } catch {
                throw UntrustedLibrary(reason: error)
            }
        }
        guard let pin = sha256?.lowercased() else { return try ForeignLibrary.open(trusted) }
        let descriptor = Glibc.open(trusted, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ForeignCallError.libraryUnavailable(library: trusted, loaderMessage: String(cString: strerror(errno)))
        }
        let digest: String
        do {
            digest = try FileDigest.sha256(ofOpenFile: descriptor)
        } catch {
            close(descriptor)
            throw ForeignCallError.libraryUnavailable(library: trusted, loaderMessage: error.reason)
        }
        guard digest == pin else {
            close(descriptor)
            throw LibraryPinMismatch(library: trusted, expected: pin, actual: digest)
        }
        // The descriptor stays open: see `ForeignLibrary.open(descriptor:path:)`.
        return try ForeignLibrary.open(descriptor: descriptor, path: trusted)
    }

    /// The file `name` stands for.
    func locate(_ name: String) throws -> String {
        if name.hasPrefix("/") { return name }
        var attempts: [String] = []
        func candidate(in folder: String) -> String? {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path) else {
                attempts.append("\(path): no such file")
                return nil
            }
            return path
        }
        for folder in searchPaths {
            if let path = candidate(in: folder) { return path }
        }
        if name.contains("/") {
            if let path = candidate(in: FileManager.default.currentDirectoryPath) { return path }
        } else {
            let loaderFolders = Self.loaderFolders()
            if let path = loaderFolders.lazy.compactMap({ folder -> String? in
                let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
                return FileManager.default.fileExists(atPath: path) ? path : nil
            }).first {
                return path
            }
            attempts.append("the dynamic loader's folders (\(loaderFolders.joined(separator: ", "))): no such file")
            if let folder = executableDirectory, let path = candidate(in: folder) { return path }
        }
        throw LibraryNotFound(library: name, attempts: attempts)
    }

    /// The folders the dynamic loader searches for a bare name, in its order: `LD_LIBRARY_PATH`,
    /// the ldconfig configuration, then the default folders.
    static func loaderFolders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var folders = (environment["LD_LIBRARY_PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        let configuration = "/etc/ld.so.conf.d"
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: configuration)) ?? []).sorted() where file.hasSuffix(".conf") {
            let text = (try? String(contentsOfFile: configuration + "/" + file, encoding: .utf8)) ?? ""
            folders += text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("/") }
        }
        #if arch(x86_64)
        let multiarch = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"]
        #elseif arch(arm64)
        let multiarch = ["/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu"]
        #else
        let multiarch: [String] = []
        #endif
        folders += multiarch + ["/lib64", "/usr/lib64", "/lib", "/usr/lib"]
        var seen = Set<String>()
        return folders.filter { seen.insert($0).inserted }
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

/// A tool library that someone other than root and the user could replace.
struct UntrustedLibrary: Error, CustomStringConvertible {
    let reason: UntrustedFile

    var description: String {
        "\(reason), so someone other than root and you could change the code the model runs; "
            + "\(reason.fix), or set config.allowInsecureLibraries to true for a library you trust anyway"
    }
}

/// A tool library whose digest is not the one the tool pins.
struct LibraryPinMismatch: Error, CustomStringConvertible {
    let library: String
    let expected: String
    let actual: String

    var description: String {
        "the library \(library) has SHA-256 \(actual) but the tool's sha256 expects \(expected): it is not the library "
            + "the graph was written for, and none of its code was run; reinstall it, or update sha256 if this library is trusted"
    }
}
