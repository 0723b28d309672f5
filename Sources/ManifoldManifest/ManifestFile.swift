import Foundation
import ManifoldJSON

/// Reads a manifest file into a `SourceJSON`, turning a missing file, an unreadable one and
/// JSON syntax errors into `ManifestErrors` at `$`, and duplicate keys into errors at their path.
enum ManifestFile {
    /// The largest manifest read: far above any real graph, and a bound for a FIFO that never ends.
    static let sizeLimit = 16 * 1024 * 1024

    /// Reads and parses `path`; `kind` names the manifest in messages ("plugin manifest").
    ///
    /// A FIFO or a process substitution (`manifold run <(make-graph)`) is read as a stream,
    /// like a file, until it ends or passes `sizeLimit`.
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
        switch contents(of: path) {
        case .success(let data):
            return try parse(data, file: path)
        case .failure(.tooLarge):
            throw ManifestErrors([ManifestError(
                file: path, jsonPath: JSONPath.root,
                message: "cannot read the \(kind): it is larger than \(sizeLimit / 1024 / 1024) MiB",
                fix: "give the manifest itself; a graph or plugin manifest is a few kilobytes")])
        case .failure(.system(let number)):
            throw ManifestErrors([ManifestError(
                file: path, jsonPath: JSONPath.root,
                message: "cannot read the \(kind): \(String(cString: strerror(number)).lowercased())",
                fix: number == EACCES ? "check the file's permissions" : "check that the file can be read")])
        }
    }

    private enum ReadFailure: Error {
        case system(Int32)
        case tooLarge
    }

    /// The bytes of `path`, read until its end (a FIFO has no size to ask for first).
    private static func contents(of path: String) -> Result<Data, ReadFailure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(.system(errno)) }
        defer { close(descriptor) }
        var contents = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return .failure(.system(errno)) }
            if count == 0 { return .success(contents) }
            guard contents.count + count <= sizeLimit else { return .failure(.tooLarge) }
            contents.append(contentsOf: buffer[0..<count])
        }
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
