import Foundation
import ManifoldJSON

/// Reads a manifest file into a `SourceJSON`, turning a missing file, an unreadable one and
/// JSON syntax errors into `ManifestErrors` at `$`, and duplicate keys into errors at their path.
enum ManifestFile {
    /// Reads and parses `path`; `kind` names the manifest in messages ("plugin manifest").
    static func read(_ path: String, kind: String) throws(ManifestErrors) -> SourceJSON {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ManifestErrors([ManifestError(
                file: path, jsonPath: JSONPath.root, message: "cannot read the \(kind): no such file",
                fix: "check the path (relative paths start from \(FileManager.default.currentDirectoryPath))")])
        }
        guard !isDirectory.boolValue else {
            throw ManifestErrors([ManifestError(
                file: path, jsonPath: JSONPath.root, message: "cannot read the \(kind): it is a directory",
                fix: "give the path of the .json file inside it")])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ManifestErrors([ManifestError(
                file: path, jsonPath: JSONPath.root, message: "cannot read the \(kind): permission denied or I/O error",
                fix: "check the file's permissions")])
        }
        return try parse(data, file: path)
    }

    /// Parses manifest text.
    static func parse(_ data: Data, file: String) throws(ManifestErrors) -> SourceJSON {
        do {
            return try SourceJSON.parse(data)
        } catch {
            throw ManifestErrors([ManifestError(
                file: file, jsonPath: JSONPath.root, message: error.description,
                fix: "correct the JSON syntax (no comments, no trailing commas, keys and strings in double quotes)")])
        }
    }

    /// Records each duplicate key of `source` as an error in `context`.
    static func reportDuplicates(of source: SourceJSON, in context: ManifestContext) {
        for duplicate in source.duplicateKeys {
            context.error(
                duplicate.path, "key '\(duplicate.key)' is written twice in the same object (lines \(duplicate.firstLine) and \(duplicate.line))",
                fix: "keep one of them; a JSON object holds each key once")
        }
    }
}
