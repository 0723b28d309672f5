import Manifold
import ManifoldPluginKit
import Testing

@testable import ManifoldDocSnippets

/// Collects what a plugin emits, from any task.
actor Emitted {
    var texts: [String] = []
    func append(_ text: String) { texts.append(text) }
}

/// The documented Swift plugin (docs/plugins.md) and core example (docs/architecture.md) work
/// as the documents say; the first test is itself quoted there.
@Suite("documented Swift examples")
struct DocumentedPluginTests {
    // doc-snippet: begin
    @Test func configMatchesSchema() throws {
        #expect(Reverse.configurationMismatches() == [])                  // validate accepts ⇒ run decodes
        #expect(try Reverse.configuration(decoding: "{}").times == 1)    // the schema's default
        #expect(throws: ConfigurationError.self) { try Reverse.configuration(decoding: #"{"times": "2"}"#) }
    }
    // doc-snippet: end

    @Test("the documented plugin reverses its input times times")
    func reverses() async throws {
        let emitted = Emitted()
        let input = Artifact.text("abc")
        let plugin = try Reverse(configuration: Reverse.configuration(decoding: #"{"times": 2}"#), host: PluginHost.detached)
        try await plugin.process(input, context: ProcessingContext(node: "reverse", input: input) { await emitted.append($0.text) })
        #expect(await emitted.texts == ["cba", "cba"])
    }

    @Test("the documented use of the core runs")
    func coreExampleRuns() async throws {
        try await useTheCore()
    }
}
