import Foundation
import Logging
import Manifold
import ManifoldHost
import Testing

/// Native plugins, Swift and C, run in Streamers exactly like in-host generators.
@Suite("Native plugins in Streamers")
struct NativePluginRunTests {
    let loader = PluginLoader(options: PluginLoaderOptions(searchPaths: [HostTestSupport.bundledManifests], libraryPaths: [HostTestSupport.buildFolder]))
    let logger = Logger(label: "test")

    /// Runs one node on a fresh hub: publishes `inputs` to `in`, returns what arrived on `out`.
    private func runNode(
        generator: any Generator, middleware: [any Middleware] = [], inputs: [Artifact], concurrency: Int = 1
    ) async throws -> (outputs: [Artifact], report: StreamerReport) {
        let hub = Hub()
        let input = try Topic("in")
        let output = try Topic("out")
        let streamer = Streamer(
            name: "node", generator: generator, middleware: middleware, subscribeTo: [TopicPattern(exactly: input)],
            output: output, hub: hub, options: StreamerOptions(concurrency: concurrency))
        try streamer.connect()
        let results = hub.subscribe([TopicPattern(exactly: output)], name: "sink")
        // Outputs are read while the node runs: unread outputs count as in flight.
        let collected = Task {
            var outputs: [Artifact] = []
            for try await artifact in results { outputs.append(artifact) }
            return outputs
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await streamer.run() }
            for artifact in inputs { try await hub.publish(artifact, to: input) }
            await hub.waitUntilIdle()
            hub.close()
            try await group.waitForAll()
            return (try await collected.value, streamer.report)
        }
    }

    @Test func cPluginUppercases() async throws {
        let plugin = try loader.load(named: "uppercase")
        #expect(plugin.descriptor.name == "uppercase")
        #expect(plugin.descriptor.inputs == [.plainText])
        let generator = try plugin.makeGenerator(node: "node", config: ["suffix": "!"], logger: logger)
        let (outputs, report) = try await runNode(
            generator: generator, inputs: [.text("hello", correlationID: "c1"), .text("world")])
        #expect(outputs.map(\.text) == ["HELLO!", "WORLD!"])
        #expect(outputs.allSatisfy { $0.origin == "node" && $0.type == .plainText })
        #expect(outputs[0].correlationID == "c1")
        #expect(report.processed == 2)
        #expect(report.failed == 0)
    }

    @Test func swiftPluginStreamsManyOutputsPerInput() async throws {
        let plugin = try loader.load(named: "echo")
        let generator = try plugin.makeGenerator(node: "node", config: ["split": "words", "repeat": 50], logger: logger)
        let (outputs, report) = try await runNode(generator: generator, inputs: [.text("one two three")])
        #expect(outputs.count == 150)
        #expect(outputs.prefix(3).map(\.text) == ["one", "two", "three"])
        #expect(outputs.map(\.text) == Array(repeating: ["one", "two", "three"], count: 50).flatMap { $0 })
        #expect(report.emitted == 150)
    }

    @Test func cPluginCompletingFromAnotherThread() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        var options = TestPluginSource.Options()
        options.asyncOutputs = 25
        let path = try await HostTestSupport.compileC(TestPluginSource.generator(options), named: "threaded", in: folder)
        let plugin = try loader.load(libraryAt: path)
        let generator = try plugin.makeGenerator(node: "node", config: [:], logger: logger)
        let (outputs, report) = try await runNode(generator: generator, inputs: [.text("a"), .text("b")])
        #expect(outputs.count == 50)
        #expect(outputs.prefix(25).map(\.text) == (0..<25).map { "piece \($0)" })
        #expect(report.processed == 2)
    }

    @Test func samePluginTwiceSharesTheImageAndGivesTwoInstances() async throws {
        let first = try loader.load(named: "echo")
        let second = try loader.load(named: "echo")
        #expect(first === second)
        let left = try first.makeGenerator(node: "left", config: ["prefix": "L:"], logger: logger)
        let right = try second.makeGenerator(node: "right", config: ["prefix": "R:"], logger: logger)
        async let leftRun = runNode(generator: left, inputs: (0..<200).map { .text("\($0)") }, concurrency: 4)
        async let rightRun = runNode(generator: right, inputs: (0..<200).map { .text("\($0)") }, concurrency: 4)
        let (leftOutputs, rightOutputs) = try await (leftRun.outputs, rightRun.outputs)
        #expect(Set(leftOutputs.map(\.text)) == Set((0..<200).map { "L:\($0)" }))
        #expect(Set(rightOutputs.map(\.text)) == Set((0..<200).map { "R:\($0)" }))
    }

    @Test func nativeMiddlewareDropsAndRewrites() async throws {
        let echo = try loader.load(named: "echo").makeGenerator(node: "node", config: [:], logger: logger)
        let filter = try loader.load(named: "filter").makeMiddleware(
            node: "node",
            config: [
                "rules": [
                    ["contains": "secret", "action": "drop"],
                    ["matches": "[0-9]+", "action": "rewrite", "replaceWith": "#", "setMetadata": ["filtered": "yes"]],
                ]
            ], logger: logger)
        let (outputs, report) = try await runNode(
            generator: echo, middleware: [filter], inputs: [.text("a secret"), .text("call 555 1234"), .text("plain")])
        #expect(outputs.map(\.text) == ["call # #", "plain"])
        #expect(outputs[0].metadata["filtered"] == "yes")
        #expect(report.processed == 3)
    }

    @Test func nativeMiddlewareSeesOutputsOfTheGenerator() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let logFile = folder + "/log.jsonl"
        let echo = try loader.load(named: "echo").makeGenerator(node: "node", config: ["split": "words"], logger: logger)
        let log = try loader.load(named: "log").makeMiddleware(node: "node", config: ["destination": .string(logFile)], logger: logger)
        let upper = try loader.load(named: "filter").makeMiddleware(
            node: "node", config: ["applyTo": "outputs", "rules": [["contains": "b", "action": "drop"]]], logger: logger)
        let (outputs, _) = try await runNode(generator: echo, middleware: [log, upper], inputs: [.text("a b c")])
        #expect(outputs.map(\.text) == ["a", "c"])
        await log.shutdown()
        let lines = try String(contentsOfFile: logFile, encoding: .utf8).split(separator: "\n")
        let events = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] ?? [:] }
        #expect(events.map { $0["event"] ?? "" } == ["input", "output", "output", "done"])
        #expect(events.allSatisfy { $0["node"] == "node" })
    }

    @Test func pluginErrorsReachTheStreamerReport() async throws {
        let echo = try loader.load(named: "echo").makeGenerator(node: "node", config: [:], logger: logger)
        // A chat/message input that is not JSON still echoes; an image is refused at the hub.
        let (outputs, report) = try await runNode(
            generator: echo, inputs: [Artifact(type: "image/png", payload: Data([1, 2, 3])), .text("ok")])
        #expect(outputs.map(\.text) == ["ok"])
        #expect(report.processed == 1)
    }

    @Test func shutdownIsCalledOnceAndInstancesEnd() async throws {
        let echo = try loader.load(named: "echo").makeGenerator(node: "node", config: [:], logger: logger)
        await echo.shutdown()
        await echo.shutdown()
    }
}
