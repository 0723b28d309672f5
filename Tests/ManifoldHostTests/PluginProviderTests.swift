import Foundation
import Logging
import Manifold
import ManifoldHost
import ManifoldJSON
import Testing

/// The host takes any `PluginProvider`: a plugin compiled into the embedding program runs in
/// a graph beside native libraries, with the same config and type checks.
@Suite("Plugin providers")
struct PluginProviderTests {
    static let reverse = try! InProcessPlugin.generator(
        name: "reverse", ports: PortTypes(inputs: [.plainText], outputs: [.plainText]),
        configSchema: ["type": "object", "properties": ["times": ["type": "integer", "minimum": 1]], "additionalProperties": false]
    ) { _, config, _ in
        let times = Int(config["times"]?.integerValue ?? 1)
        return ClosureGenerator(ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { input, context in
            for _ in 0..<times { try await context.emit(.text(String(input.text.reversed()))) }
        }
    }

    static let tag = try! InProcessPlugin.middleware(name: "tag", handles: [.plainText]) { node, _, _ in
        ClosureMiddleware(name: "tag") { input, context, next in
            try await next(input, context.interceptingEmits { output, emit in
                var tagged = output
                tagged.metadata["tagged.by"] = node
                try await emit(tagged)
            })
        }
    }

    static let numbers = try! InProcessPlugin.generator(
        name: "numbers", ports: PortTypes(inputs: [.plainText], outputs: [.json])
    ) { _, _, _ in ClosureGenerator { _, _ in } }

    private func graph(_ nodes: String) throws -> String {
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/graph.json"
        try """
        { "manifold": 1, "name": "mixed", "plugins": ["\(HostTestSupport.bundledManifests)"],
          "inputs": { "text": { "topic": "in", "types": ["text/plain"] } },
          "outputs": { "out": { "topic": "out", "types": ["text/plain"] } },
          "nodes": { \(nodes) } }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private var providers: [String: any PluginProvider] {
        ["reverse": Self.reverse, "tag": Self.tag, "numbers": Self.numbers]
    }

    private var options: PluginLoaderOptions { PluginLoaderOptions(libraryPaths: [HostTestSupport.buildFolder]) }

    @Test func anInProcessPluginRunsBesideANativeOne() async throws {
        let path = try graph("""
            "back": { "plugin": "reverse", "config": { "times": 2 }, "middleware": [ { "plugin": "tag" } ],
                      "subscribe": ["in"], "output": "reversed" },
            "loud": { "plugin": "uppercase", "subscribe": ["reversed"], "output": "out" }
            """)
        let validation = GraphValidator.validate(manifestAt: path, loaderOptions: options, providers: providers)
        #expect(validation.errors.isEmpty, "\(validation.diagnostics)")
        let run = try await GraphRun(validation: validation, logger: Logger(label: "test"))
        let outputs = Collected()
        let report = try await run.run(feeds: [GraphInputFeed(input: "text", artifacts: [.text("abc")])]) { _, artifact in
            outputs.append(artifact)
        }
        #expect(outputs.items.map(\.text) == ["CBA", "CBA"])
        #expect(outputs.items.allSatisfy { $0.metadata["tagged.by"] == "back" }, "metadata survives the C plugin")
        #expect(report.failures == 0)
    }

    @Test func anInProcessPluginsConfigIsChecked() throws {
        let path = try graph(#""back": { "plugin": "reverse", "config": { "times": 0 }, "subscribe": ["in"], "output": "out" }"#)
        let validation = GraphValidator.validate(manifestAt: path, loaderOptions: options, providers: providers)
        #expect(validation.errors.map(\.path) == ["$.nodes.back.config.times"])
        #expect(validation.errors.first?.fix?.contains("in-process plugin 'reverse'") == true)
    }

    @Test func typesAreCheckedAcrossProviders() throws {
        let path = try graph("""
            "count": { "plugin": "numbers", "subscribe": ["in"], "output": "numbers" },
            "loud": { "plugin": "uppercase", "subscribe": ["numbers"], "output": "out" }
            """)
        let validation = GraphValidator.validate(manifestAt: path, loaderOptions: options, providers: providers)
        let mismatch = try #require(validation.errors.first { $0.path == "$.nodes.loud.subscribe[0]" })
        #expect(mismatch.message.contains("node 'count'"))
        #expect(mismatch.message.contains("emits {application/json}"))
    }

    @Test func aGeneratorUsedAsMiddlewareIsRefused() throws {
        let path = try graph(#""back": { "plugin": "tag", "subscribe": ["in"], "output": "out" }"#)
        let validation = GraphValidator.validate(manifestAt: path, loaderOptions: options, providers: providers)
        #expect(validation.errors.contains { $0.path == "$.nodes.back.plugin" && $0.message.contains("is a middleware, not a generator") })
    }
}
