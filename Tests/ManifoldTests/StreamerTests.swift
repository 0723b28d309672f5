import Foundation
import Manifold
import Testing

/// Starts `run()` of an already connected streamer in a task.
func start(_ streamer: Streamer) -> Task<StreamerReport, any Error> {
    Task { try await streamer.run() }
}

/// Waits (bounded) for a run to finish and returns its report.
func finish(_ run: Task<StreamerReport, any Error>, sourceLocation: SourceLocation = #_sourceLocation) async throws -> StreamerReport {
    try await withDeadline(seconds: 30, "Streamer.run()", sourceLocation: sourceLocation) { try await run.value }
}

let textPorts = PortTypes(inputs: [.plainText], outputs: [.plainText])

@Suite("Streamer")
struct StreamerTests {
    @Test("end to end on a shared hub: inputs in, outputs out, in order")
    func endToEnd() async throws {
        let hub = Hub()
        let upper = Streamer(
            name: "upper", generator: ClosureGenerator(ports: textPorts) { input, context in
                try await context.emit(.text(input.text.uppercased()))
            }, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub)
        #expect(upper.hub === hub)
        #expect(upper.ports == NodePorts(
            node: "upper", subscriptions: [parsePattern("in")], accepts: [.plainText], output: parseTopic("out"), emits: [.plainText]))
        var outputs = Inbox(try hub.subscribe("out", name: "test"))
        try upper.connect()
        try upper.connect()  // idempotent
        #expect(hub.connectedNodes.map(\.node) == ["upper"])
        let run = start(upper)
        for word in ["a", "b", "c"] { try await hub.publish(.text(word), to: parseTopic("in")) }
        let received = try await outputs.take(3).map(\.text)
        #expect(received == ["A", "B", "C"])
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(report.node == "upper")
        #expect(report.processed == 3 && report.emitted == 3 && report.failed == 0 && report.rejectedOutputs == 0)
        #expect(!report.wasCancelled)
        #expect(hub.connectedNodes.isEmpty, "a finished node is disconnected")
        _ = try await outputs.drain()
    }

    @Test("a generator may emit many outputs per input; they are published in order")
    func streaming() async throws {
        let hub = Hub()
        let splitter = Streamer(
            name: "splitter", generator: ClosureGenerator(ports: textPorts) { input, context in
                for word in input.text.split(separator: " ") { try await context.emit(.text(String(word))) }
            }, subscribeTo: [parsePattern("sentences")], output: parseTopic("words"), hub: hub)
        let words = try hub.subscribe("words", name: "test")
        try splitter.connect()
        let run = start(splitter)
        try await hub.publish(.text("the quick brown fox"), to: parseTopic("sentences"))
        try await hub.publish(.text("jumps over"), to: parseTopic("sentences"))
        var inbox = Inbox(words)
        #expect(try await inbox.take(6).map(\.text) == ["the", "quick", "brown", "fox", "jumps", "over"])
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(try await inbox.drain().isEmpty)
        #expect(report.processed == 2 && report.emitted == 6)
    }

    @Test("outputs carry the node as origin and inherit the input's correlation id, or its id")
    func originAndCorrelation() async throws {
        let hub = Hub()
        let node = Streamer(
            name: "tagger", generator: ClosureGenerator(ports: textPorts) { input, context in
                try await context.emit(.text("plain", origin: "someone-else"))
                try await context.emit(.text("own", correlationID: "explicit"))
            }, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub)
        let out = try hub.subscribe("out", name: "test")
        try node.connect()
        let run = start(node)
        let correlated = Artifact.text("1", correlationID: "request-42")
        let uncorrelated = Artifact.text("2")
        try await hub.publish(correlated, to: parseTopic("in"))
        try await hub.publish(uncorrelated, to: parseTopic("in"))
        var inbox = Inbox(out)
        let outputs = try await inbox.take(4)
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        _ = try await finish(run)
        #expect(try await inbox.drain().isEmpty)
        #expect(outputs.map(\.origin) == Array(repeating: "tagger", count: 4))
        #expect(outputs.map(\.correlationID) == ["request-42", "explicit", uncorrelated.id.rawValue, "explicit"])
    }

    @Test("an output of an undeclared type is not published, but counted and dead-lettered rejected-output")
    func rejectedOutput() async throws {
        let hub = Hub()
        var deadLetters = try hub.deadLetterInbox()
        let node = Streamer(
            name: "liar", generator: ClosureGenerator(ports: textPorts) { input, context in
                try await context.emit(.text("fine"))
                try await context.emit(try .json(["not": "declared"]))
            }, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub)
        let out = try hub.subscribe("out", name: "test", accepts: .any)
        try node.connect()
        let run = start(node)
        try await hub.publish(.text("go"), to: parseTopic("in"))
        let letter = try #require(try await deadLetters.take(1).first)
        var inbox = Inbox(out)
        #expect(try await inbox.take(1).map(\.text) == ["fine"])
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(report.emitted == 1)
        #expect(report.rejectedOutputs == 1)
        #expect(report.processed == 1)
        #expect(try await inbox.drain().isEmpty)
        #expect(letter.type == .json)
        #expect(letter.origin == "liar")
        #expect(letter.deadLetterReason == "rejected-output")
        #expect(letter.deadLetterSubscriber == "liar")
        #expect(letter.deadLetterTopic == "out")
        #expect(letter.deadLetterDetail == "node 'liar' emitted application/json, which its outputs {text/plain} do not declare")
        _ = try await deadLetters.drain()
    }

    @Test("an output that is no artifact is counted, dead-lettered malformed-output with its reason, and nothing is published")
    func malformedOutput() async throws {
        let hub = Hub()
        let node = Streamer(
            name: "broken", generator: ClosureGenerator(ports: textPorts) { _, context in
                try await context.reject("the artifact has no type")
                try await context.emit(.text("after"))
            }, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub)
        let out = try hub.subscribe("out", name: "test", accepts: .any)
        try node.connect()
        let run = start(node)
        try await hub.publish(.text("go"), to: parseTopic("in"))
        var inbox = Inbox(out)
        #expect(try await inbox.take(1).map(\.text) == ["after"])
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(report.rejectedOutputs == 1 && report.emitted == 1 && report.processed == 1 && report.failed == 0)
        let letter = try #require(hub.recentDeadLetters.last)
        #expect(letter.deadLetterReason == "malformed-output")
        #expect(letter.deadLetterDetail == "the artifact has no type")
        #expect(letter.origin == "broken")
        #expect(letter.payload.isEmpty)
    }

    @Test("reject without a Streamer throws the problem")
    func rejectWithoutARejecter() async throws {
        let context = ProcessingContext(node: "n", input: .text("x")) { _ in }
        await #expect(throws: RejectedOutputError.self) { try await context.reject("bad") }
        let intercepted = context.interceptingEmits { artifact, emit in try await emit(artifact) }
        await #expect(throws: RejectedOutputError.self) { try await intercepted.reject("bad") }
    }

    @Test("a sink that emits has its outputs dead-lettered no-output-topic")
    func sinkEmitting() async throws {
        let hub = Hub()
        let node = Streamer(
            name: "sink", generator: ClosureGenerator { _, context in try await context.emit(.text("nowhere")) },
            subscribeTo: [parsePattern("in")], output: nil, hub: hub)
        try node.connect()
        let run = start(node)
        try await hub.publish(.text("x"), to: parseTopic("in"))
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(report.rejectedOutputs == 1 && report.emitted == 0)
        #expect(hub.recentDeadLetters.map(\.deadLetterReason) == ["no-output-topic"])
    }

    @Test("an input of a type the generator does not take is rejected by the hub, never processed")
    func inputTypeRejected() async throws {
        let hub = Hub()
        let generator = RecordingGenerator(ports: textPorts)
        let node = Streamer(name: "texts", generator: generator, subscribeTo: [parsePattern("in")], output: nil, hub: hub)
        try node.connect()
        let run = start(node)
        let report = try await hub.publish(try .json([1, 2]), to: parseTopic("in"))
        #expect(report.rejected == 1)
        try await hub.publish(.text("ok"), to: parseTopic("in"))
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        #expect(try await finish(run).processed == 1)
        #expect(generator.inputs.values.map(\.text) == ["ok"])
        #expect(hub.recentDeadLetters.first?.deadLetterReason == "rejected-type")
        #expect(hub.recentDeadLetters.first?.deadLetterSubscriber == "texts")
    }

    @Test("a generator error is reported, published on $errors, and later inputs are still processed")
    func generatorErrorContinues() async throws {
        let hub = Hub()
        var errors = Inbox(try hub.subscribe(Topic.errors.name, name: "errors"))
        let node = Streamer(
            name: "fragile", generator: RecordingGenerator(ports: textPorts) { input, context in
                if input.text == "bad" { throw TestFailure(message: "cannot handle 'bad'") }
                try await context.emit(.text("ok \(input.text)"))
            }, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub,
            options: StreamerOptions(errorPolicy: .continue))
        let out = try hub.subscribe("out", name: "test")
        try node.connect()
        let run = start(node)
        let bad = Artifact.text("bad", correlationID: "req-9")
        for input in [Artifact.text("1"), bad, .text("2")] { try await hub.publish(input, to: parseTopic("in")) }
        let errorArtifact = try #require(try await errors.take(1).first)
        var outputs = Inbox(out)
        #expect(try await outputs.take(2).map(\.text) == ["ok 1", "ok 2"])
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(report.processed == 2)
        #expect(report.failed == 1)
        #expect(report.failures.count == 1)
        let failure = try #require(report.failures.first)
        #expect(failure.node == "fragile" && failure.input == bad.id && failure.inputType == .plainText)
        #expect(failure.message == "cannot handle 'bad'")
        #expect(failure.description == "node 'fragile' failed on input \(bad.id) (text/plain): cannot handle 'bad'")

        #expect(errorArtifact.type == .error)
        #expect(errorArtifact.origin == "fragile")
        #expect(errorArtifact.correlationID == "req-9")
        #expect(errorArtifact.metadata[MetadataKey.errorNode] == "fragile")
        #expect(errorArtifact.metadata[MetadataKey.errorInput] == bad.id.rawValue)
        #expect(try ErrorReport(decoding: errorArtifact) == ErrorReport(failure))
        #expect(try ErrorReport(decoding: errorArtifact) == ErrorReport(
            node: "fragile", message: "cannot handle 'bad'", input: bad.id.rawValue, inputType: "text/plain"))
        #expect(throws: ArtifactPayloadError.self) { try ErrorReport(decoding: .text("not a report")) }
        #expect(throws: ArtifactPayloadError.self) { try ErrorReport(decoding: Artifact(type: .error, payload: Data("{}".utf8))) }
        #expect(try await outputs.drain().isEmpty)
    }

    @Test("failures are all counted but only the first failureHistoryLimit are kept")
    func failureHistoryLimit() async throws {
        let hub = Hub()
        let node = Streamer(
            name: "failing", generator: ClosureGenerator { input, _ in throw TestFailure(message: input.text) },
            subscribeTo: [parsePattern("in")], output: nil, hub: hub, options: StreamerOptions(failureHistoryLimit: 2))
        try node.connect()
        let run = start(node)
        for index in 0..<4 { try await hub.publish(.text("f\(index)"), to: parseTopic("in")) }
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(report.failed == 4)
        #expect(report.failures.map(\.message) == ["f0", "f1"])
    }

    @Test("error policy stop: run() throws stoppedOnFailure after shutting down")
    func stopPolicy() async throws {
        let hub = Hub()
        let log = Recorder<String>()
        let generator = RecordingGenerator(ports: textPorts, log: log) { input, _ in
            if input.text == "bad" { throw TestFailure(message: "fatal") }
        }
        let middleware = RecordingMiddleware("mw", log: log)
        let node = Streamer(
            name: "strict", generator: generator, middleware: [middleware], subscribeTo: [parsePattern("in")],
            output: nil, hub: hub, options: StreamerOptions(errorPolicy: .stop))
        try node.connect()
        let run = start(node)
        try await hub.publish(.text("good"), to: parseTopic("in"))
        try await hub.publish(.text("bad"), to: parseTopic("in"))
        let result = try await withDeadline { await run.result }
        let error = #expect(throws: StreamerError.self) { try result.get() }
        guard case .stoppedOnFailure(let failure, let report)? = error else {
            Issue.record("expected stoppedOnFailure, got \(String(describing: error))")
            return
        }
        #expect(failure.message == "fatal")
        #expect(report.processed == 1 && report.failed == 1)
        expectDescription(error, contains: "node 'strict' failed on input", "fatal (error policy: stop)")
        #expect(generator.shutdowns.current == 1)
        #expect(middleware.shutdowns.current == 1)
        #expect(log.values.suffix(2) == ["shutdown mw", "shutdown generator"])
        #expect(hub.subscriptions.isEmpty)
        #expect(hub.connectedNodes.isEmpty)
        #expect(!node.report.wasCancelled)
    }

    @Test("a type mismatch between two streamers is refused at connect time, before anything runs")
    func connectMismatch() async throws {
        let hub = Hub()
        let producer = Streamer(
            name: "producer", generator: ClosureGenerator(ports: PortTypes(inputs: .any, outputs: [.json])) { _, _ in },
            subscribeTo: [parsePattern("start")], output: parseTopic("mid"), hub: hub)
        let consumerGenerator = RecordingGenerator(ports: textPorts)
        let consumer = Streamer(
            name: "consumer", generator: consumerGenerator, subscribeTo: [parsePattern("mid")], output: nil, hub: hub)
        try producer.connect()
        let error = await #expect(throws: WiringError.self) { try await consumer.run() }
        expectDescription(error, contains: "type mismatch on topic 'mid'", "'producer' emits {application/json}", "'consumer'", "accepts {text/plain}")
        #expect(hub.subscriptions.map(\.name) == ["producer"])
        #expect(hub.connectedNodes.map(\.node) == ["producer"])
        #expect(consumerGenerator.inputs.count == 0)
        #expect(consumerGenerator.shutdowns.current == 0)
    }

    @Test("a custom input buffer given in the options is the one used")
    func customInputBuffer() async throws {
        let hub = Hub()
        let buffer = Buffer<Artifact>(capacity: 3, policy: .dropNewest)
        let generator = RecordingGenerator()
        let node = Streamer(
            name: "custom", generator: generator, subscribeTo: [parsePattern("in")], output: nil, hub: hub,
            options: StreamerOptions(inputCapacity: 500, inputPolicy: .block, inputBuffer: buffer))
        try node.connect()
        let subscription = try #require(hub.subscriptions.first { $0.name == "custom" })
        #expect(subscription.buffer === buffer)
        for index in 0..<5 { try await hub.publish(.text("\(index)"), to: parseTopic("in")) }
        #expect(buffer.statistics.enqueued == 3)
        #expect(buffer.statistics.dropped == 2)
        let run = start(node)
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        #expect(try await finish(run).processed == 3)
        #expect(generator.inputs.values.map(\.text) == ["0", "1", "2"])
    }

    @Test("input capacity and policy options shape the subscription's own buffer")
    func inputOptions() throws {
        let hub = Hub()
        let node = Streamer(
            name: "sized", generator: RecordingGenerator(), subscribeTo: [parsePattern("in")], output: nil, hub: hub,
            options: StreamerOptions(inputCapacity: 5, inputPolicy: .dropOldest, concurrency: 0))
        #expect(node.options.concurrency == 1, "concurrency is at least 1")
        try node.connect()
        let buffer = try #require(hub.subscriptions.first?.buffer)
        #expect(buffer.capacity == 5 && buffer.policy == .dropOldest)
    }

    @Test("concurrency 2 processes two inputs at once and still settles everything")
    func concurrentProcessing() async throws {
        let hub = Hub()
        let bothInside = Latch(count: 2)
        let node = Streamer(
            name: "parallel", generator: ClosureGenerator(ports: textPorts) { input, context in
                // Passes only when another input is being processed at the same time.
                try await bothInside.arriveAndWait()
                try await context.emit(.text("done \(input.text)"))
            }, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub,
            options: StreamerOptions(concurrency: 2))
        let out = try hub.subscribe("out", name: "test")
        try node.connect()
        let run = start(node)
        try await hub.publish(.text("a"), to: parseTopic("in"))
        try await hub.publish(.text("b"), to: parseTopic("in"))
        var inbox = Inbox(out)
        let outputs = try await inbox.take(2).map(\.text)
        #expect(Set(outputs) == ["done a", "done b"])
        try await withDeadline { await hub.waitUntilIdle() }
        #expect(hub.statistics.inFlight == 0)
        hub.close()
        let report = try await finish(run)
        #expect(report.processed == 2 && report.emitted == 2)
        _ = try await inbox.drain()
    }

    @Test("inputsInProgress counts the inputs inside the chain, for each one until it returns or fails")
    func inputsInProgress() async throws {
        let hub = Hub()
        let bothInside = Latch(count: 3)
        let release = Gate()
        let node = Streamer(
            name: "held", generator: ClosureGenerator(ports: textPorts) { input, _ in
                bothInside.arrive()
                try await release.wait()
                if input.text == "bad" { throw TestFailure(message: "refused") }
            }, subscribeTo: [parsePattern("in")], output: nil, hub: hub,
            options: StreamerOptions(concurrency: 2))
        try node.connect()
        #expect(node.inputsInProgress == 0)
        let run = start(node)
        try await hub.publish(.text("good"), to: parseTopic("in"))
        try await hub.publish(.text("bad"), to: parseTopic("in"))
        try await hub.publish(.text("queued"), to: parseTopic("in"))
        // Two are inside (concurrency 2); the third waits in the queue and is not counted.
        bothInside.arrive()
        try await withDeadline { try await bothInside.wait() }
        #expect(node.inputsInProgress == 2)
        release.open()
        try await withDeadline { await hub.waitUntilIdle() }
        #expect(node.inputsInProgress == 0, "a failed input leaves the count too")
        hub.close()
        let report = try await finish(run)
        #expect(report.processed == 2 && report.failed == 1)
    }

    @Test("stop() lets queued inputs be processed, then run() returns; later input finds no subscriber")
    func gracefulStop() async throws {
        let hub = Hub()
        let started = Gate()
        let release = Gate()
        let generator = RecordingGenerator(ports: textPorts) { input, _ in
            if input.text == "first" {
                started.open()
                try await release.wait()
            }
        }
        let node = Streamer(name: "drainer", generator: generator, subscribeTo: [parsePattern("in")], output: nil, hub: hub)
        try node.connect()
        let run = start(node)
        try await hub.publish(.text("first"), to: parseTopic("in"))
        try await withDeadline { try await started.wait() }
        for index in 1...4 { try await hub.publish(.text("queued \(index)"), to: parseTopic("in")) }
        node.stop()
        let late = try await hub.publish(.text("late"), to: parseTopic("in"))
        #expect(late.deadLettered == 1 && late.delivered == 0)
        release.open()
        let report = try await finish(run)
        #expect(report.processed == 5)
        #expect(generator.inputs.values.map(\.text) == ["first", "queued 1", "queued 2", "queued 3", "queued 4"])
        #expect(generator.shutdowns.current == 1)
        #expect(hub.statistics.inFlight == 0)
    }

    @Test("run() on a running or finished streamer throws alreadyStarted")
    func runTwice() async throws {
        let hub = Hub()
        let processing = Gate()
        let node = Streamer(
            name: "once", generator: ClosureGenerator { _, _ in processing.open() },
            subscribeTo: [parsePattern("in")], output: nil, hub: hub)
        try node.connect()
        let run = start(node)
        try await hub.publish(.text("x"), to: parseTopic("in"))
        try await withDeadline { try await processing.wait() }
        let error = await #expect(throws: StreamerError.self) { try await node.run() }
        guard case .alreadyStarted(let name)? = error else {
            Issue.record("expected alreadyStarted, got \(String(describing: error))")
            return
        }
        #expect(name == "once")
        expectDescription(error, contains: "Streamer 'once' was already started")
        hub.close()
        #expect(try await finish(run).processed == 1)
        await #expect(throws: StreamerError.self) { try await node.run() }
    }

    @Test("with shutsDownWhenFinished off, run() leaves the shutdown to shutdown(), which runs it once")
    func deferredShutdown() async throws {
        let hub = Hub()
        let log = Recorder<String>()
        let generator = RecordingGenerator(log: log)
        let middleware = RecordingMiddleware("mw", log: log)
        let node = Streamer(
            name: "kept", generator: generator, middleware: [middleware], subscribeTo: [parsePattern("in")],
            output: nil, hub: hub, options: StreamerOptions(shutsDownWhenFinished: false))
        try node.connect()
        let run = start(node)
        hub.close()
        _ = try await finish(run)
        #expect(generator.shutdowns.current == 0 && middleware.shutdowns.current == 0)
        await node.shutdown()
        await node.shutdown()
        #expect(generator.shutdowns.current == 1 && middleware.shutdowns.current == 1)
        #expect(log.values == ["shutdown mw", "shutdown generator"])

        let byDefault = RecordingGenerator()
        let other = Streamer(name: "default", generator: byDefault, subscribeTo: [parsePattern("x")], output: nil, hub: hub)
        try other.connect()
        let otherRun = start(other)
        other.stop()
        _ = try await finish(otherRun)
        await other.shutdown()
        #expect(byDefault.shutdowns.current == 1, "run() already shut it down; shutdown() does not repeat it")
    }

    @Test("a private hub is made when none is given")
    func privateHub() throws {
        let first = Streamer(name: "a", generator: RecordingGenerator(), subscribeTo: [], output: nil)
        let second = Streamer(name: "b", generator: RecordingGenerator(), subscribeTo: [], output: nil)
        #expect(first.hub !== second.hub)
    }

    @Test("a pipeline A → B → C on one hub settles, and hub.close() ends every run()")
    func pipeline() async throws {
        let hub = Hub()
        let sinkGenerator = RecordingGenerator(ports: PortTypes(inputs: [.plainText], outputs: []))
        let a = Streamer(
            name: "a", generator: ClosureGenerator(ports: textPorts) { input, context in
                try await context.emit(.text(input.text.uppercased()))
            }, subscribeTo: [parsePattern("in")], output: parseTopic("a.out"), hub: hub)
        let b = Streamer(
            name: "b", generator: ClosureGenerator(ports: textPorts) { input, context in
                try await context.emit(.text(input.text + "!"))
                try await context.emit(.text(input.text + "?"))
            }, subscribeTo: [parsePattern("a.out")], output: parseTopic("b.out"), hub: hub)
        let c = Streamer(name: "c", generator: sinkGenerator, subscribeTo: [parsePattern("b.*")], output: nil, hub: hub)
        for node in [c, b, a] { try node.connect() }
        let runs = [a, b, c].map(start)
        let inputs = ["x", "y", "z"]
        for input in inputs { try await hub.publish(.text(input, correlationID: "req-\(input)"), to: parseTopic("in")) }
        try await withDeadline(seconds: 30, "the pipeline to settle") { await hub.waitUntilIdle() }
        #expect(sinkGenerator.inputs.values.map(\.text) == ["X!", "X?", "Y!", "Y?", "Z!", "Z?"])
        #expect(sinkGenerator.inputs.values.map { $0.correlationID ?? "" } == ["req-x", "req-x", "req-y", "req-y", "req-z", "req-z"])
        #expect(sinkGenerator.inputs.values.allSatisfy { $0.origin == "b" })
        hub.close()
        var reports: [StreamerReport] = []
        for run in runs { reports.append(try await finish(run)) }
        #expect(reports.map(\.processed) == [3, 3, 6])
        #expect(reports.map(\.emitted) == [3, 6, 0])
        #expect(hub.subscriptions.isEmpty)
        #expect(hub.statistics.inFlight == 0)
        #expect(hub.statistics.deadLettered == 0)
    }

    @Test("middleware given to a Streamer wraps its generator")
    func streamerMiddleware() async throws {
        let hub = Hub()
        let generator = RecordingGenerator(ports: textPorts) { input, context in
            try await context.emit(.text("echo \(input.text)"))
        }
        let prefix = ClosureMiddleware(name: "prefix") { input, context, next in
            guard input.text != "skip" else { return }
            try await next(input, context.interceptingEmits { output, emit in
                var changed = output
                changed.metadata["via"] = context.node
                try await emit(changed)
            })
        }
        let node = Streamer(
            name: "wrapped", generator: generator, middleware: [prefix], subscribeTo: [parsePattern("in")],
            output: parseTopic("out"), hub: hub)
        let out = try hub.subscribe("out", name: "test")
        try node.connect()
        let run = start(node)
        for text in ["one", "skip", "two"] { try await hub.publish(.text(text), to: parseTopic("in")) }
        var inbox = Inbox(out)
        let outputs = try await inbox.take(2)
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await finish(run)
        #expect(try await inbox.drain().isEmpty)
        #expect(outputs.map(\.text) == ["echo one", "echo two"])
        #expect(outputs.allSatisfy { $0.metadata["via"] == "wrapped" })
        #expect(report.processed == 3 && report.emitted == 2)
    }
}
