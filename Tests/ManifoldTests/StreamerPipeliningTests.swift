import Foundation
import Manifold
import Testing

/// A pipelining generator like a worker process's: takes batches, runs them in order, emits
/// `"<input>!"` for each and fails the input `bad`. It records the size of every batch and
/// every single call, so a test can tell which way the Streamer used it.
private final class BatchRecordingGenerator: PipeliningGenerator {
    let ports = textPorts
    let pipelineLimit: Int
    let batchSizes = Recorder<Int>()
    let singleCalls = Counter()
    /// Reports only the first `reportedPerBatch` inputs of a batch (a buggy generator).
    private let reportedPerBatch: Int?

    init(limit: Int = 8, reportedPerBatch: Int? = nil) {
        pipelineLimit = limit
        self.reportedPerBatch = reportedPerBatch
    }

    func process(_ input: Artifact, context: ProcessingContext) async throws {
        singleCalls.increment()
        try await run(input, context: context)
    }

    func process(_ inputs: [PipelinedInput], finished: (Int, (any Error)?) async throws -> Void) async throws {
        batchSizes.append(inputs.count)
        for (index, input) in inputs.enumerated() {
            if let reportedPerBatch, index >= reportedPerBatch { return }
            do {
                try await run(input.artifact, context: input.context)
                try await finished(index, nil)
            } catch let failure as TestFailure {
                try await finished(index, failure)
            }
        }
    }

    private func run(_ input: Artifact, context: ProcessingContext) async throws {
        if input.text == "bad" { throw TestFailure(message: "bad input") }
        try await context.emit(.text(input.text + "!"))
    }
}

@Suite("Streamer: queued inputs go to a pipelining generator in batches")
struct StreamerPipeliningTests {
    private static func node(
        _ generator: BatchRecordingGenerator, hub: Hub, middleware: [any Middleware] = [], options: StreamerOptions = StreamerOptions(inputCapacity: 1024)
    ) throws -> Streamer {
        let node = Streamer(
            name: "piped", generator: generator, middleware: middleware, subscribeTo: [parsePattern("in")], output: parseTopic("out"),
            hub: hub, options: options)
        try node.connect()
        return node
    }

    @Test("queued inputs are handed over in batches up to the limit; outputs, reports and events are as one at a time")
    func batchesKeepEverythingInOrder() async throws {
        let hub = Hub()
        let events = Recorder<String>()
        hub.addObserver(ClosureRunObserver { event in
            switch event {
            case .inputBegan(_, let input): events.append("began \(input.text)")
            case .inputDone(_, let input, _, let succeeded): events.append("done \(input.text) \(succeeded)")
            case .output(_, let output, _, _): events.append("output \(output.text)")
            default: break
            }
        })
        let generator = BatchRecordingGenerator(limit: 8)
        let node = try Self.node(generator, hub: hub)
        var outputs = Inbox(try hub.subscribe("out", name: "sink", capacity: 1024))
        var errors = Inbox(try hub.subscribe(Topic.errors.name, name: "errors", capacity: 16))
        let texts = (0..<200).map { $0 == 37 ? "bad" : "\($0)" }
        try await hub.publish(contentsOf: texts.map { Artifact.text($0) }, to: parseTopic("in"))
        let run = start(node)
        let received = try await outputs.take(199).map(\.text)
        #expect(received == texts.filter { $0 != "bad" }.map { $0 + "!" })
        #expect(try await errors.take(1).first?.text.contains("bad input") == true, "the failed input is reported on $errors")
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(report.processed == 199 && report.failed == 1 && report.emitted == 199)

        let sizes = generator.batchSizes.values
        #expect(sizes.contains { $0 > 1 }, "queued inputs went one at a time: \(sizes)")
        #expect(sizes.allSatisfy { $0 <= 8 }, "a batch was larger than the generator's limit: \(sizes)")
        #expect(sizes.reduce(0, +) + generator.singleCalls.current == 200)
        // Inputs begin and end in order, each before the next begins as without batches, but an
        // input is reported done only once its output has left (a journal relies on it).
        let seen = events.values
        #expect(seen.filter { $0.hasPrefix("began") } == texts.map { "began \($0)" })
        #expect(seen.filter { $0.hasPrefix("done") } == texts.map { "done \($0) \($0 != "bad")" })
        for text in texts {
            let began = try #require(seen.firstIndex(of: "began \(text)"))
            let done = try #require(seen.firstIndex(of: "done \(text) \(text != "bad")"))
            #expect(began < done)
            if text != "bad" {
                let output = try #require(seen.firstIndex(of: "output \(text)!"))
                #expect(output < done, "input \(text) was reported done before its output was published")
            }
        }
    }

    @Test("policy stop in the middle of a batch: the rest of the batch is not processed, and is dead-lettered")
    func stopInTheMiddleOfABatch() async throws {
        let hub = Hub()
        let generator = BatchRecordingGenerator(limit: 32)
        let node = try Self.node(generator, hub: hub, options: StreamerOptions(inputCapacity: 64, errorPolicy: .stop))
        var outputs = Inbox(try hub.subscribe("out", name: "sink", capacity: 64))
        var deadLetters = try hub.deadLetterInbox()
        let texts = ["a", "b", "bad", "c", "d", "e"]
        try await hub.publish(contentsOf: texts.map { Artifact.text($0) }, to: parseTopic("in"))
        let result = try await withDeadline { await start(node).result }
        guard case .failure(StreamerError.stoppedOnFailure(let failure, let report)) = result else {
            Issue.record("expected stoppedOnFailure, got \(result)")
            return
        }
        #expect(failure.message == "bad input")
        #expect(report.processed == 2 && report.failed == 1)
        #expect(generator.batchSizes.values == [6], "the six queued inputs went in one batch")
        hub.close()
        #expect(try await outputs.drain().map(\.text) == ["a!", "b!"], "nothing after the failure was published")
        let dropped = try await deadLetters.take(3)
        #expect(dropped.map(\.text) == ["c", "d", "e"])
        #expect(dropped.allSatisfy { $0.deadLetterReason == DeadLetterReason.subscriptionCancelled.rawValue })
        await hub.waitUntilIdle()
    }

    @Test(
        "a node that must see one input at a time is never batched",
        arguments: ["middleware", "time limit", "concurrency"])
    func oneAtATimeWhereItMatters(reason: String) async throws {
        let hub = Hub()
        let generator = BatchRecordingGenerator()
        var options = StreamerOptions(inputCapacity: 256)
        var middleware: [any Middleware] = []
        switch reason {
        case "middleware": middleware = [ClosureMiddleware(name: "pass") { input, context, next in try await next(input, context) }]
        case "time limit": options.inputTimeout = .seconds(30)
        default: options.concurrency = 4
        }
        let node = try Self.node(generator, hub: hub, middleware: middleware, options: options)
        var outputs = Inbox(try hub.subscribe("out", name: "sink", capacity: 256))
        try await hub.publish(contentsOf: (0..<100).map { Artifact.text("\($0)") }, to: parseTopic("in"))
        let run = start(node)
        #expect(try await outputs.take(100).count == 100)
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        #expect(try await finish(run).processed == 100)
        #expect(generator.batchSizes.values.isEmpty, "\(reason): batches were given: \(generator.batchSizes.values)")
        #expect(generator.singleCalls.current == 100)
    }

    @Test("inputs a generator returned without reporting are failed, each with the reason")
    func unreportedInputsFail() async throws {
        let hub = Hub()
        let generator = BatchRecordingGenerator(limit: 4, reportedPerBatch: 2)
        let node = try Self.node(generator, hub: hub)
        try await hub.publish(contentsOf: (0..<4).map { Artifact.text("\($0)") }, to: parseTopic("in"))
        let run = start(node)
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(generator.batchSizes.values == [4])
        #expect(report.processed == 2 && report.failed == 2)
        #expect(report.failures.map(\.message) == [
            "node 'piped': its generator returned without finishing input 3 of a batch of 4 (a bug in the generator)",
            "node 'piped': its generator returned without finishing input 4 of a batch of 4 (a bug in the generator)",
        ])
    }
}
