// The Swift plugin of docs/plugins.md ("In Swift"), compiled into the ManifoldDocSnippets
// library and run in a graph by the tests: the documented code is this code.
// doc-snippet: begin
import Manifold
import ManifoldPluginKit

struct Reverse: GeneratorPlugin {
    // A key a config leaves out gets the schema's "default": the SDK fills defaults in
    // before decoding (a synthesized Decodable ignores `var times: Int = 1`).
    struct Configuration: Decodable, Sendable { var times: Int }

    static let info = PluginInfo(
        name: "reverse", version: "1.0.0", summary: "Reverses text.",
        ports: PortTypes(inputs: [.plainText], outputs: [.plainText]),
        configSchema: ["type": "object", "properties": ["times": ["type": "integer", "minimum": 1, "default": 1]],
                       "additionalProperties": false])

    let times: Int
    init(configuration: Configuration, host: PluginHost) throws { times = configuration.times }

    func process(_ input: Artifact, context: ProcessingContext) async throws {
        for _ in 0..<times { try await context.emit(.text(String(input.text.reversed()))) }
    }
}

@_cdecl("manifold_library_entry")          // must be public, or dlsym will not find it
public func manifoldLibraryEntry() -> UnsafeRawPointer? {
    PluginLibrary.entry(.generator(Reverse.self))      // several: .generator(A.self), .middleware(B.self), …
}
// doc-snippet: end
