import Foundation
import Logging
import Manifold
import ManifoldHost
import Synchronization
import Testing

/// A node's `replicas` in one process share its inputs: each input is processed once, by one
/// of the instances, and the instances work side by side.
@Suite("Replicas in process")
struct ReplicaRunTests {
    /// Each instance made gets a number; each input is answered with `TEXT@INSTANCE` after
    /// `delay`, while the live count of inputs being processed is tracked.
    final class Recorder: Sendable {
        let made = Atomic<Int>(0)
        let running = Atomic<Int>(0)
        let mostAtOnce = Atomic<Int>(0)
    }

    static func plugin(_ recorder: Recorder, delay: Duration) throws -> InProcessPlugin {
        try InProcessPlugin.generator(name: "tagging", ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { _, _, _ in
            let instance = recorder.made.add(1, ordering: .relaxed).newValue
            return ClosureGenerator(ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { input, context in
                let now = recorder.running.add(1, ordering: .relaxed).newValue
                recorder.mostAtOnce.max(now, ordering: .relaxed)
                try await Task.sleep(for: delay)
                recorder.running.subtract(1, ordering: .relaxed)
                try await context.emit(.text("\(input.text)@\(instance)"))
            }
        }
    }

    static func run(replicas: Int, inputs: [String], recorder: Recorder, delay: Duration) async throws -> [String] {
        let path = try HostTestSupport.temporaryFolder() + "/graph.json"
        try """
        { "manifold": 1, "name": "replicated",
          "inputs": { "text": { "topic": "in", "types": ["text/plain"] } },
          "outputs": { "out": { "topic": "out", "types": ["text/plain"] } },
          "nodes": { "work": { "plugin": "tagging", "subscribe": ["in"], "output": "out", "replicas": \(replicas) } } }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let validation = GraphValidator.validate(
            manifestAt: path, loaderOptions: PluginLoaderOptions(), providers: ["tagging": try plugin(recorder, delay: delay)])
        #expect(validation.errors.isEmpty, "\(validation.diagnostics)")
        let run = try await GraphRun(validation: validation, logger: Logger(label: "test"))
        let outputs = Mutex<[String]>([])
        let report = try await run.run(feeds: [GraphInputFeed(input: "text", artifacts: inputs.map { .text($0) })]) { _, artifact in
            outputs.withLock { $0.append(artifact.text) }
        }
        #expect(report.failures == 0)
        #expect(report.nodes.map(\.processed).reduce(0, +) == inputs.count, "each input processed once, in all")
        return outputs.withLock { $0 }
    }

    @Test func eachInputIsProcessedOnceByOneOfTheReplicas() async throws {
        let recorder = Recorder()
        let inputs = (0..<12).map { "i\($0)" }
        let outputs = try await Self.run(replicas: 3, inputs: inputs, recorder: recorder, delay: .milliseconds(200))
        #expect(recorder.made.load(ordering: .relaxed) == 3)
        #expect(outputs.count == inputs.count)
        #expect(Set(outputs.map { String($0.split(separator: "@")[0]) }) == Set(inputs))
        // Side by side: with 200 ms per input, three instances each took some of the twelve.
        #expect(Set(outputs.map { String($0.split(separator: "@")[1]) }) == ["1", "2", "3"], "\(outputs)")
        #expect(recorder.mostAtOnce.load(ordering: .relaxed) == 3)
    }

    @Test func oneReplicaIsOneInstanceAtATime() async throws {
        let recorder = Recorder()
        let outputs = try await Self.run(replicas: 1, inputs: ["a", "b", "c"], recorder: recorder, delay: .milliseconds(5))
        #expect(outputs == ["a@1", "b@1", "c@1"])
        #expect(recorder.mostAtOnce.load(ordering: .relaxed) == 1)
    }
}
