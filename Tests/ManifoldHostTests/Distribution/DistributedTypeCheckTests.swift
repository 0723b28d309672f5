import Foundation
import Manifold
import ManifoldManifest
import Testing

@testable import ManifoldHost

/// The connect-time type check between processes of one run, on registrations as the port
/// registry would hold them.
@Suite("type checks across the processes of a run")
struct DistributedTypeCheckTests {
    static let file = "relay.json"

    /// input → shout → tag → output.
    static func manifest() throws -> GraphManifest {
        try GraphManifest.parse(
            data: Data("""
                {"manifold": 1, "name": "relay",
                 "inputs": {"text": {"topic": "input", "types": ["text/plain"]}},
                 "outputs": {"out": {"topic": "done", "types": ["text/*"]}},
                 "nodes": {
                   "shout": {"plugin": "uppercase", "subscribe": ["input"], "output": "shouted"},
                   "tag": {"plugin": "echo", "subscribe": ["shouted"], "output": "done"}}}
                """.utf8), file: file)
    }

    static let here = RegisteredPorts.Process(host: "alpha", id: 100)
    static let other = RegisteredPorts.Process(host: "beta", id: 200)
    static let third = RegisteredPorts.Process(host: "gamma", id: 300)

    static func shout(emits: ArtifactTypeSet, in process: RegisteredPorts.Process, subscribe: [String] = ["input"]) -> RegisteredPorts {
        RegisteredPorts(
            kind: .node, name: "shout", plugin: "uppercase 2.0.0", accepts: ["text/plain"], emits: emits, subscribe: subscribe,
            output: "shouted", process: process)
    }

    static func tag(in process: RegisteredPorts.Process) -> RegisteredPorts {
        RegisteredPorts(
            kind: .node, name: "tag", plugin: "echo 1.0.0", accepts: ["text/*"], emits: ["text/*"], subscribe: ["shouted"], output: "done",
            process: process)
    }

    static func check(_ registered: [RegisteredPorts], here: RegisteredPorts.Process = here) throws -> [GraphDiagnostic] {
        DistributedTypeCheck.diagnostics(manifest: try manifest(), file: file, registered: registered, here: here)
    }

    @Test("a node here whose input the other process's node does not emit: the message names the other's process and host")
    func mismatchNamesTheOtherProcess() throws {
        let problems = try Self.check([Self.shout(emits: ["application/json"], in: Self.other), Self.tag(in: Self.here)])
        #expect(problems.count == 1)
        let problem = try #require(problems.first)
        #expect(problem.file == Self.file)
        #expect(problem.path == "$.nodes.tag.subscribe[0]")
        #expect(problem.message == "type mismatch on topic 'shouted': node 'shout' ($.nodes.shout.output), run by process 200 on host beta "
            + "(plugin uppercase 2.0.0), emits {application/json} but node 'tag', run here (plugin echo 1.0.0), accepts {text/*}")
        #expect(problem.fix?.contains("same plugin versions on every machine") == true)
    }

    @Test("the same mismatch seen from the other side names this side's peer")
    func mismatchFromTheProducerSide() throws {
        let problems = try Self.check([Self.shout(emits: ["application/json"], in: Self.other), Self.tag(in: Self.here)], here: Self.other)
        #expect(problems.map(\.message) == [
            "type mismatch on topic 'shouted': node 'shout' ($.nodes.shout.output), run here (plugin uppercase 2.0.0), emits "
                + "{application/json} but node 'tag', run by process 100 on host alpha (plugin echo 1.0.0), accepts {text/*}"
        ])
    }

    @Test("ports that fit, and a mismatch between two other processes, are not this process's to report")
    func onlyEdgesWithThisProcess() throws {
        #expect(try Self.check([Self.shout(emits: ["text/plain"], in: Self.other), Self.tag(in: Self.here)]).isEmpty)
        // beta's shout and gamma's tag do not fit: whichever of them registered second said so.
        #expect(try Self.check([Self.shout(emits: ["application/json"], in: Self.other), Self.tag(in: Self.third)]).isEmpty)
        // A replica of shout here that fits, beside one elsewhere that does not: the latter is named.
        let mixed = try Self.check([
            Self.shout(emits: ["application/json"], in: Self.other), Self.shout(emits: ["text/plain"], in: Self.third), Self.tag(in: Self.here),
        ])
        #expect(mixed.count == 1)
        #expect(mixed.first?.message.contains("process 200 on host beta") == true)
    }

    @Test("the coordinator's graph input and output are checked against a worker's nodes")
    func graphInputsAndOutputs() throws {
        let input = RegisteredPorts(kind: .input, name: "text", accepts: [], emits: ["application/json"], output: "input", process: Self.other)
        let problems = try Self.check([input, Self.shout(emits: ["text/plain"], in: Self.here)])
        #expect(problems.map(\.path) == ["$.nodes.shout.subscribe[0]"])
        #expect(problems.first?.message.contains("graph input 'text' ($.inputs.text.topic), fed by process 200 on host beta, emits {application/json}") == true)
    }

    @Test("another process running another version of the graph is refused, with where it differs")
    func otherGraphVersion() throws {
        let rewired = try Self.check([Self.shout(emits: ["text/plain"], in: Self.other, subscribe: ["raw"]), Self.tag(in: Self.here)])
        #expect(rewired.map(\.path) == ["$.nodes.shout.subscribe"])
        #expect(rewired.first?.message == "node 'shout' subscribes to [\"input\"] here but to [\"raw\"] in process 200 on host beta")
        #expect(rewired.first?.fix == "run the same graph manifest in every process of the run")

        var stranger = Self.tag(in: Self.other)
        stranger.name = "annotate"
        let unknown = try Self.check([stranger, Self.tag(in: Self.here)])
        #expect(unknown.map(\.message) == ["process 200 on host beta runs node 'annotate', which this graph does not have"])
    }
}
