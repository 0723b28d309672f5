import Foundation
import ManifoldJSON
import ManifoldManifest

/// Checks shared by the graph and plugin manifest targets.
enum ManifestChecks {
    /// The file name the targets give the manifest readers; errors must name it.
    static let file = "fuzz/manifest.json"

    /// Every error names the file and a JSON path and says something; there is at least one.
    static func check(_ errors: ManifestErrors) throws(FuzzFailure) {
        try require(!errors.errors.isEmpty, "ManifestErrors without errors")
        for error in errors.errors {
            try require(error.file == file, "error names the file \(error.file.debugDescription): \(error)")
            try require(error.jsonPath.hasPrefix("$"), "error at \(error.jsonPath.debugDescription), not a JSON path: \(error)")
            try requireMessage(error.message, "manifest error at \(error.jsonPath)")
        }
    }

    /// The manifest reader's JSON parser (which keeps key order, duplicate keys and positions)
    /// against `JSONParser` on the same bytes: each refuses the text as JSON exactly when the
    /// other does, but for the two differences they are meant to have — a duplicate key is a
    /// manifest error (at its path) rather than a syntax error, and manifests nest at most
    /// 256 levels deep where `JSONParser` takes 512.
    static func compareSyntax(of bytes: UnsafeRawBufferPointer, errors: ManifestErrors?) throws(FuzzFailure) {
        let syntaxError = errors?.errors.first { $0.jsonPath == "$" && $0.message.hasPrefix("invalid JSON at line ") }
        switch outcome({ () throws(JSONParseError) in try JSONParser.parse(Data(bytes)) }) {
        case .success(let value):
            guard depth(of: value) <= 256 else { return }
            try require(syntaxError == nil, "JSONParser reads the text, but the manifest reader says: \(syntaxError.map(String.init(describing:)) ?? "")")
        case .failure(let error):
            guard !error.problem.hasPrefix("duplicate key") else { return }
            try require(syntaxError != nil, "JSONParser refuses the text (\(error)), but the manifest reader does not")
        }
    }

    /// How deeply arrays and objects nest in `value` (0 for a scalar).
    static func depth(of value: JSONValue) -> Int {
        switch value {
        case .array(let elements): 1 + (elements.map(depth(of:)).max() ?? 0)
        case .object(let members): 1 + (members.values.map(depth(of:)).max() ?? 0)
        default: 0
        }
    }
}
