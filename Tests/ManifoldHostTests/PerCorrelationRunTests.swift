import Foundation
import Logging
import Manifold
import ManifoldHost
import Testing

/// `"instances": "per-correlation"` in a graph run, with a real C plugin whose instance keeps
/// state: conversations interleaved on one node never see each other's.
@Suite("Per-correlation instances in a graph run")
struct PerCorrelationRunTests {
    /// A plugin whose instance remembers every text it was given and emits them all, joined
    /// with `|`; `report[0]` counts the instances that processed an input.
    static func tallyPlugin() async throws -> CPluginKit {
        try await CPluginKit(
            "tally",
            process: """
                char *history = (char *)instance;
                size_t used = strlen(history);
                if (used == 0) atomic_fetch_add(&report[0], 1);
                if (used > 0 && used < 3000) history[used++] = '|';
                size_t length = input->payload.length < 64 ? input->payload.length : 64;
                if (used + length < 4000) { memcpy(history + used, input->payload.data, length); history[used + length] = 0; }
                manifold_artifact out;
                memset(&out, 0, sizeof out);
                out.struct_size = sizeof out;
                out.type = manifold_str_from_cstr("text/plain");
                out.payload.data = (const uint8_t *)history;
                out.payload.length = strlen(history);
                call->emit(call->context, &out);
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """,
            inputs: "\"text/plain\"", outputs: "\"text/plain\"")
    }

    /// Runs the `tally` node with `instances` over inputs `(conversation, text)`, in order.
    func run(
        _ kit: CPluginKit, instances: String, inputs: [(String, String)]
    ) async throws -> (outputs: [Artifact], report: GraphRunReport) {
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/graph.json"
        try """
        { "manifold": 1, "name": "tally",
          "inputs": { "text": { "topic": "in", "types": ["text/plain"] } },
          "outputs": { "out": { "topic": "out", "types": ["text/plain"] } },
          "nodes": { "tally": { "plugin": "probe", "subscribe": ["in"], "output": "out", \(instances) } } }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let validation = GraphValidator.validate(manifestAt: path, providers: ["probe": kit.plugin])
        #expect(validation.errors.isEmpty, "\(validation.diagnostics)")
        let graph = try await GraphRun(validation: validation, logger: Logger(label: "test"))
        let outputs = Collected()
        let artifacts = inputs.map { Artifact.text($0.1, correlationID: $0.0) }
        let report = try await graph.run(feeds: [GraphInputFeed(input: "text", artifacts: artifacts)]) { _, artifact in
            outputs.append(artifact)
        }
        return (outputs.items, report)
    }

    static let interleaved = [("a", "a1"), ("b", "b1"), ("a", "a2"), ("b", "b2"), ("a", "a3")]

    @Test func conversationsInterleavedOnOneNodeKeepTheirOwnState() async throws {
        let kit = try await Self.tallyPlugin()
        let (outputs, report) = try await run(kit, instances: #""instances": "per-correlation""#, inputs: Self.interleaved)
        let byConversation = Dictionary(grouping: outputs, by: { $0.correlationID ?? "" }).mapValues { $0.map(\.text) }
        #expect(byConversation["a"] == ["a1", "a1|a2", "a1|a2|a3"])
        #expect(byConversation["b"] == ["b1", "b1|b2"])
        #expect(kit.report(0) == 2, "one instance per conversation")
        #expect(report.failures == 0)
    }

    @Test func aSharedInstanceMixesThem() async throws {
        let kit = try await Self.tallyPlugin()
        let (outputs, _) = try await run(kit, instances: #""instances": "shared""#, inputs: Self.interleaved)
        #expect(outputs.map(\.text).last == "a1|b1|a2|b2|a3", "what per-correlation instances prevent")
        #expect(kit.report(0) == 1)
    }

    @Test func atTheCapAConversationThatReturnsStartsAfresh() async throws {
        let kit = try await Self.tallyPlugin()
        let (outputs, _) = try await run(
            kit, instances: #""instances": "per-correlation", "maxInstances": 1"#, inputs: [("a", "a1"), ("b", "b1"), ("a", "a2")])
        #expect(outputs.map(\.text) == ["a1", "b1", "a2"])
        #expect(kit.report(0) == 3)
    }

    @Test func replicasFromTheCommandLineAndSourcesAreRefused() throws {
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/graph.json"
        try """
        { "manifold": 1, "name": "g", "plugins": ["\(HostTestSupport.bundledManifests)"],
          "inputs": { "text": { "topic": "in", "types": ["text/plain"] } },
          "nodes": {
            "loud": { "plugin": "uppercase", "subscribe": ["in"], "output": "out", "instances": "per-correlation" },
            "clock": { "plugin": "ticker", "output": "ticks", "instances": "per-correlation" },
            "sink": { "plugin": "echo", "subscribe": ["out", "ticks"] } } }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let validation = GraphValidator.validate(manifestAt: path, resolution: .manifestsOnly, replicas: ["loud": 2])
        #expect(validation.errors.map { "\($0.path): \($0.message)" } == [
            "$.nodes.clock.instances: plugin 'ticker' is a source: it emits on its own, for no conversation, so it cannot have one instance per conversation",
            "--replicas: node 'loud' keeps one instance per conversation ($.nodes.loud.instances) and cannot have replicas: they share inputs by load, not by conversation",
        ])
        #expect(validation.errors.last?.fix == "drop loud=2 from --replicas, or set \"instances\": \"shared\" on the node")
    }
}
