import Foundation
import ManifoldJSON
import ManifoldManifest
import Testing

/// Shared helpers for the manifest tests.
enum Support {
    /// The repository root, found from this file's path (reading sources, not build products).
    static var repositoryRoot: String {
        // The scratch package reaches this folder through a symlink: resolve it first.
        let file = (#filePath as NSString).resolvingSymlinksInPath
        return URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The errors a manifest operation throws, or none.
    static func errors<T>(_ body: () throws(ManifestErrors) -> T) -> [ManifestError] {
        do {
            _ = try body()
            return []
        } catch {
            return error.errors
        }
    }

    /// A valid plugin manifest, with members replaced (`.null` removes one).
    static func pluginJSON(_ changes: [String: JSONValue] = [:]) -> JSONValue {
        var members: [String: JSONValue] = [
            "manifestVersion": 1, "name": "uppercase", "version": "1.0.0", "abi": "1.0", "kind": "generator",
            "library": "libManifoldUppercase.so", "description": "Uppercases text.",
            "inputs": ["text/plain"], "outputs": ["text/plain"],
            "configSchema": ["type": "object", "properties": ["suffix": ["type": "string"]], "additionalProperties": false],
        ]
        for (key, value) in changes {
            if value == .null { members[key] = nil } else { members[key] = value }
        }
        return .object(members)
    }

    /// A fresh temporary folder, removed by the caller with `remove`.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "manifold-manifest-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Parses graph manifest text, keeping its node order.
    static func graph(_ text: String, file: String = "graphs/test.json") throws(ManifestErrors) -> GraphManifest {
        try GraphManifest.parse(data: Data(text.utf8), file: file)
    }
}

extension Array where Element == SchemaViolation {
    /// `path: message` of each violation, for compact expectations.
    var lines: [String] { map(\.description) }
}

extension Array where Element == ManifestError {
    /// `path: message` of each error (without the file), for compact expectations.
    var lines: [String] { map { "\($0.jsonPath): \($0.message)" } }
}
