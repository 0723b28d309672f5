import Foundation
import Testing

/// A response body recorded in a provider's wire format, from `Fixtures/NAME.sse`.
func recordedStream(_ name: String) throws -> String {
    let url = try #require(
        Bundle.module.url(forResource: name, withExtension: "sse", subdirectory: "Fixtures"), "no fixture Fixtures/\(name).sse")
    return try String(contentsOf: url, encoding: .utf8)
}
