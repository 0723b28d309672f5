import Foundation
import Logging
import Manifold
import ManifoldHost
import ManifoldJSON
import Testing

/// The Swift SDK's side of the extensions, through real libraries: the agent saves and loads
/// conversations through `manifold.state`; the echo plugin runs synchronously (no task).
@Suite("Swift plugins through the C ABI")
struct SwiftPluginExtensionTests {
    let loader = PluginLoader(options: PluginLoaderOptions(
        searchPaths: [HostTestSupport.bundledManifests], libraryPaths: [HostTestSupport.buildFolder]))
    let logger = Logger(label: "test")

    /// An agent whose scripted provider answers the n-th turn of a conversation with `answers[n-1]`.
    private func agent(answers: [String]) throws -> NativeGenerator {
        let config: JSONValue = [
            "provider": ["provider": "scripted", "script": .array(answers.map { ["text": .string($0)] })],
            "emitDeltas": false,
        ]
        return try loader.load(named: "agent").makeGenerator(node: "agent", config: config, logger: logger)
    }

    private func run(_ generator: NativeGenerator, _ input: Artifact) async throws -> [Artifact] {
        let outputs = Collected()
        try await generator.process(input, context: ProcessingContext(node: "agent", input: input) { outputs.append($0) })
        return outputs.items
    }

    @Test func theAgentSavesAndLoadsConversations() async throws {
        let first = try agent(answers: ["Hello, Ada."])
        #expect(first.plugin.descriptor.extensions == ["manifold.state"])
        let state = try #require(first.state)
        #expect(try state.keys().isEmpty)
        let outputs = try await run(first, .text("Hi, I am Ada.", correlationID: "c-1"))
        #expect(outputs.contains { $0.type == .chatMessage })
        #expect(try state.keys() == ["c-1"])
        let saved = try state.save(key: "c-1")
        let snapshot = try JSONValue(parsing: saved)
        #expect(snapshot["version"] == 2)
        #expect(snapshot["history"]?.arrayValue?.count == 2)
        #expect(try state.save(key: "nobody").isEmpty)

        // Another instance carries the conversation on from the snapshot: its provider is
        // asked for the conversation's second turn, which only a restored history makes it.
        let second = try agent(answers: ["(a first turn: never asked)", "Yes, Ada."])
        let restored = try #require(second.state)
        try restored.load(saved, key: "c-1")
        #expect(try restored.save(key: "c-1") == saved)
        let answer = try await run(second, .text("Do you remember me?", correlationID: "c-1"))
        #expect(answer.contains { $0.type == .chatMessage && $0.text.contains("Yes, Ada.") })
        let continued = try JSONValue(parsing: try restored.save(key: "c-1"))
        #expect(continued["history"]?.arrayValue?.count == 4)

        // A snapshot in another format is refused with the reason, through the C boundary.
        do {
            try restored.load(Data(#"{"version": 9, "history": []}"#.utf8), key: "c-2")
            Issue.record("a version 9 snapshot was accepted")
        } catch {
            #expect("\(error)".contains("has format 9; this agent reads 1 and 2"))
        }
    }

    @Test func pluginsWithoutStateOfferNone() async throws {
        let echo = try loader.load(named: "echo").makeGenerator(node: "echo", config: [:], logger: logger)
        #expect(echo.plugin.descriptor.extensions.isEmpty)
        #expect(echo.state == nil)
    }
}
