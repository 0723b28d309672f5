import Foundation
import Logging
import Manifold
import ManifoldHost
import ManifoldJSON
import Synchronization
import Testing

@testable import ManifoldServe

/// A served graph answers each call with exactly that call's outputs, through a real graph run
/// on a hub: words split by one node and shouted by the next, fanned out and failing on cue.
@Suite("Served graph")
struct ServedGraphTests {
    /// `words`: one artifact per word; "fail" throws, "slow:MS" sleeps MS milliseconds first.
    static let words = try! InProcessPlugin.generator(name: "words", ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { _, _, _ in
        ClosureGenerator(ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { input, context in
            for word in input.text.split(separator: " ") {
                if word == "fail" { throw ServeTestFailure("told to fail") }
                if word.hasPrefix("slow:"), let milliseconds = Int(word.dropFirst(5)) {
                    try await Task.sleep(for: .milliseconds(milliseconds))
                    continue
                }
                try await context.emit(.text(String(word)))
            }
        }
    }

    /// `shout`: upper-cases.
    static let shout = try! InProcessPlugin.generator(name: "shout", ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { _, _, _ in
        ClosureGenerator(ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { input, context in
            try await context.emit(.text(input.text.uppercased()))
        }
    }

    static func served(callTimeLimit: Duration = .seconds(30), replicas: Int = 1) async throws -> ServedGraph {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manifold-serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/graph.json"
        try """
        { "manifold": 1, "name": "shouting",
          "inputs": { "sentence": { "topic": "in", "types": ["text/plain"], "description": "A sentence to shout word by word." } },
          "outputs": { "shouted": { "topic": "out", "types": ["text/plain"] } },
          "nodes": {
            "split": { "plugin": "words", "subscribe": ["in"], "output": "words", "replicas": \(replicas) },
            "loud": { "plugin": "shout", "subscribe": ["words"], "output": "out" } } }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let validation = GraphValidator.validate(
            manifestAt: path, loaderOptions: PluginLoaderOptions(searchPaths: []), providers: ["words": words, "shout": shout])
        #expect(validation.errors.isEmpty, "\(validation.diagnostics)")
        return try ServedGraph(try await GraphRun(validation: validation, logger: Logger(label: "test")), callTimeLimit: callTimeLimit)
    }

    /// Runs `body` against a served graph, then stops it and returns the run's report.
    static func serving(
        callTimeLimit: Duration = .seconds(30), replicas: Int = 1, _ body: (ServedGraph) async throws -> Void
    ) async throws -> GraphRunReport {
        let served = try await served(callTimeLimit: callTimeLimit, replicas: replicas)
        let run = Task { try await served.run() }
        do {
            try await body(served)
        } catch {
            served.stop()
            _ = try? await run.value
            throw error
        }
        served.stop()
        return try await run.value
    }

    @Test func aGraphInputIsATool() async throws {
        _ = try await Self.serving { served in
            #expect(served.tools.map(\.name) == ["sentence"])
            #expect(served.tools[0].description == "A sentence to shout word by word.")
            #expect(served.tools[0].inputSchema["required"] == ["text"])
        }
    }

    @Test func aCallIsAnsweredWithEveryOutputOfItsInputAndNoOther() async throws {
        let report = try await Self.serving(replicas: 2) { served in
            async let first = served.call(tool: "sentence", arguments: ["text": "alpha beta gamma"])
            async let second = served.call(tool: "sentence", arguments: ["text": "one two"])
            let (a, b) = try await (first, second)
            #expect(a.ended == .finished)
            #expect(Set(a.outputs.map(\.artifact.text)) == ["ALPHA", "BETA", "GAMMA"])
            #expect(a.outputs.allSatisfy { $0.output == "shouted" })
            #expect(Set(b.outputs.map(\.artifact.text)) == ["ONE", "TWO"])
            #expect(a.failures.isEmpty && b.failures.isEmpty)
        }
        #expect(report.failures == 0)
    }

    @Test func manyCallsAtOnceEachGetTheirOwn() async throws {
        _ = try await Self.serving(replicas: 2) { served in
            try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let outcome = try await served.call(tool: "sentence", arguments: ["text": .string("w\(index)a w\(index)b")])
                        return (index, outcome.outputs.map(\.artifact.text).sorted())
                    }
                }
                for try await (index, texts) in group {
                    #expect(texts == ["W\(index)A", "W\(index)B"])
                }
            }
        }
    }

    @Test func outputsAreHeardAsTheyArrive() async throws {
        _ = try await Self.serving { served in
            let heard = Mutex<[String]>([])
            let outcome = try await served.call(tool: "sentence", arguments: ["text": "a b"]) { output, artifact in
                heard.withLock { $0.append("\(output):\(artifact.text)") }
            }
            #expect(heard.withLock { $0 }.sorted() == ["shouted:A", "shouted:B"])
            #expect(outcome.outputs.count == 2)
        }
    }

    @Test func aNodeFailureIsPartOfTheCallsOutcome() async throws {
        _ = try await Self.serving { served in
            let outcome = try await served.call(tool: "sentence", arguments: ["text": "fail"])
            #expect(outcome.ended == .finished)
            #expect(outcome.outputs.isEmpty)
            #expect(outcome.failures.count == 1)
            #expect(outcome.failures.first?.contains("node 'split' failed") == true, "\(outcome.failures)")
            #expect(outcome.failures.first?.contains("told to fail") == true, "\(outcome.failures)")
            // The graph goes on serving.
            let next = try await served.call(tool: "sentence", arguments: ["text": "ok"])
            #expect(next.outputs.map(\.artifact.text) == ["OK"])
        }
    }

    @Test func aCallPastItsTimeLimitEndsWithWhatArrivedAndItsLateOutputsAreCounted() async throws {
        _ = try await Self.serving(callTimeLimit: .milliseconds(500)) { served in
            let outcome = try await served.call(tool: "sentence", arguments: ["text": "early slow:3000 late"])
            #expect(outcome.ended == .timedOut(seconds: 0.5))
            // On a loaded machine even the first word may come after the limit.
            let answered = outcome.outputs.map(\.artifact.text)
            #expect(answered == ["EARLY"] || answered.isEmpty, "\(answered)")
            let late = 2 - answered.count
            let deadline = ContinuousClock.now + .seconds(60)
            while served.unclaimedOutputs < late && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(served.unclaimedOutputs == late, "the words that came after the limit are counted, not lost")
        }
    }

    @Test func cancellingACallEndsItWithWhatArrived() async throws {
        _ = try await Self.serving { served in
            let (heardFirst, first) = AsyncStream<Void>.makeStream()
            let call = Task {
                try await served.call(tool: "sentence", arguments: ["text": "first slow:3000 never"]) { _, _ in first.yield() }
            }
            for await _ in heardFirst { break }
            call.cancel()
            let outcome = try await call.value
            #expect(outcome.ended == .cancelled)
            #expect(outcome.outputs.map(\.artifact.text) == ["FIRST"])
        }
    }

    @Test func argumentsTheToolCannotTakeAreRefusedBeforeAnythingRuns() async throws {
        let report = try await Self.serving { served in
            await #expect(throws: GraphInputToolError.self) { try await served.call(tool: "sentence", arguments: ["txt": "typo"]) }
            let error = await #expect(throws: GraphInputToolError.self) { try await served.call(tool: "sentence", arguments: ["text": 3]) }
            #expect(error?.description.contains("'text' must be a string") == true)
            let unknown = await #expect(throws: GraphInputToolError.self) { try await served.call(tool: "nope", arguments: nil) }
            #expect(unknown?.description.contains("this graph offers: sentence") == true)
        }
        #expect(report.nodes.allSatisfy { $0.processed == 0 })
    }

    @Test func aStopLetsTheCallsInFlightFinish() async throws {
        let served = try await Self.served()
        let run = Task { try await served.run() }
        let (heardFirst, first) = AsyncStream<Void>.makeStream()
        let call = Task { try await served.call(tool: "sentence", arguments: ["text": "go slow:300 done"]) { _, _ in first.yield() } }
        for await _ in heardFirst { break }
        served.stop()
        let outcome = try await call.value
        #expect(outcome.ended == .finished)
        #expect(outcome.outputs.map(\.artifact.text) == ["GO", "DONE"])
        _ = try await run.value
        await #expect(throws: ServedGraphError.self) { try await served.call(tool: "sentence", arguments: ["text": "late"]) }
    }
}

struct ServeTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
