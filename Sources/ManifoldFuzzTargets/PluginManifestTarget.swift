import Foundation
import ManifoldJSON
import ManifoldManifest

/// `PluginManifest.parse(data:file:)` on any bytes; a manifest that parsed then checks a few
/// configs against its schema, as `validate` does for each node.
///
/// Checks: every error names the file and a path and says something; the manifest reader's
/// JSON parser agrees with `JSONParser` on what is JSON; violations say something.
public func fuzzPluginManifest(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    switch outcome({ () throws(ManifestErrors) in try PluginManifest.parse(data: Data(bytes), file: ManifestChecks.file) }) {
    case .failure(let errors):
        try ManifestChecks.check(errors)
        try ManifestChecks.compareSyntax(of: bytes, errors: errors)
    case .success(let manifest):
        try ManifestChecks.compareSyntax(of: bytes, errors: nil)
        try require(!manifest.libraryPath.isEmpty, "a manifest without a library path")
        for config: JSONValue in [.object([:]), .null, .object(["text": .string("x")])] {
            for violation in manifest.validate(config: config) {
                try requireMessage(violation.message, "config violation at \(violation.path)")
            }
        }
    }
}
