import Foundation

/// Where the repository and its build products are, for the benchmarks that load the bundled
/// plugins or run the `manifold` binary. Environment variables win:
/// - `MANIFOLD_REPO`: the repository root (default: two folders above this package);
/// - `MANIFOLD_BENCH_LIBRARY_PATH`: the folder holding `libManifoldEcho.so` (default: the
///   root package's `.build/release`, then `.build/debug`, as built by `swift build` there);
/// - `MANIFOLD_BIN`: the `manifold` executable (default: the same folders).
public enum Locations {
    public static var repository: String {
        if let path = ProcessInfo.processInfo.environment["MANIFOLD_REPO"], !path.isEmpty { return path }
        // Sources/ManifoldBenchKit/Locations.swift → Benchmarks → repository
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func buildFolders() -> [String] {
        ["release", "debug"].map { "\(repository)/.build/\($0)" }
    }

    /// The folder with the bundled plugin libraries, or `nil` when none is built.
    public static var pluginLibraries: String? {
        if let path = ProcessInfo.processInfo.environment["MANIFOLD_BENCH_LIBRARY_PATH"], !path.isEmpty { return path }
        return buildFolders().first { FileManager.default.fileExists(atPath: "\($0)/libManifoldEcho.so") }
    }

    /// The `manifold` executable, or `nil` when none is built.
    public static var manifoldBinary: String? {
        if let path = ProcessInfo.processInfo.environment["MANIFOLD_BIN"], !path.isEmpty { return path }
        return buildFolders().map { "\($0)/manifold" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether a library or binary path is a debug build (then comparing it with this
    /// release-built benchmark is unfair; say so beside the figures).
    public static func isDebugBuild(_ path: String) -> Bool {
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? path
        return path.contains("/debug") || resolved.contains("/debug")
    }
}

/// Prints a note to standard error (beside the benchmark's table, never inside it).
public func note(_ text: String) {
    FileHandle.standardError.write(Data("note: \(text)\n".utf8))
}
