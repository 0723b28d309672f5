import Foundation
import ManifoldFuzzTargets

/// The committed inputs of the fuzz targets, found from this file's path (sources, not build
/// products): `Fuzz/Corpus/<target>` holds the seeds, `Fuzz/Regressions/<target>` the inputs
/// that once broke a target.
enum CorpusFolders {
    static var fuzzFolder: URL {
        // The scratch package may reach this folder through a symlink: resolve it first.
        let file = (#filePath as NSString).resolvingSymlinksInPath
        return URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz")
    }

    /// `Corpus` and `Regressions`.
    static let kinds = ["Corpus", "Regressions"]

    /// The files of `target` in each kind of folder, sorted; a folder that does not exist has none.
    static func files(of target: FuzzTarget) throws -> [URL] {
        try kinds.flatMap { kind in try files(in: fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target.name)) }
    }

    /// The names of the folders inside `Fuzz/<kind>`.
    static func targetFolders(_ kind: String) throws -> [String] {
        let folder = fuzzFolder.appendingPathComponent(kind).path
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
    }

    private static func files(in folder: URL) throws -> [URL] {
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
