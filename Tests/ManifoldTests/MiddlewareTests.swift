import Foundation
import Manifold
import Testing

struct TestFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

@Suite("Middleware chains")
struct MiddlewareTests {
    /// Runs one input through `chain` and returns what it emitted.
    static func run(_ chain: ProcessingChain, _ input: Artifact, node: String = "node") async throws -> [Artifact] {
        let outputs = Recorder<Artifact>()
        let context = ProcessingContext(node: node, input: input) { outputs.append($0) }
        try await chain.process(input, context: context)
        return outputs.values
    }

    static let echo: @Sendable (Artifact, ProcessingContext) async throws -> Void = { input, context in
        try await context.emit(.text("echo \(input.text)"))
    }

    @Test("the first middleware listed is the outermost")
    func order() async throws {
        let log = Recorder<String>()
        let generator = RecordingGenerator(log: log, Self.echo)
        let chain = ProcessingChain(
            generator: generator,
            middleware: ["outer", "middle", "inner"].map { RecordingMiddleware($0, log: log) })
        #expect(chain.middleware.map(\.name) == ["outer", "middle", "inner"])
        let outputs = try await Self.run(chain, .text("in"))
        #expect(outputs.map(\.text) == ["echo in"])
        #expect(log.values == [
            "enter outer", "enter middle", "enter inner", "generator in", "exit inner", "exit middle", "exit outer",
        ])
    }

    @Test("a middleware can transform the input; the context still shows the original")
    func transformInput() async throws {
        let seenByGenerator = Recorder<String>()
        let generator = RecordingGenerator { input, context in
            seenByGenerator.append("\(input.text) (original \(context.input.text))")
        }
        let upper = ClosureMiddleware(name: "upper") { input, context, next in
            var changed = input
            changed.payload = Data(input.text.uppercased().utf8)
            changed.metadata["touched"] = "yes"
            try await next(changed, context)
        }
        _ = try await Self.run(ProcessingChain(generator: generator, middleware: [upper]), .text("quiet"))
        #expect(seenByGenerator.values == ["QUIET (original quiet)"])
        #expect(generator.inputs.values.first?.metadata["touched"] == "yes")
    }

    @Test("a middleware can drop an input by not calling next")
    func drop() async throws {
        let generator = RecordingGenerator(Self.echo)
        let filter = ClosureMiddleware(name: "filter") { input, context, next in
            guard input.metadata["spam"] == nil else { return }
            try await next(input, context)
        }
        let chain = ProcessingChain(generator: generator, middleware: [filter])
        #expect(try await Self.run(chain, .text("a", metadata: ["spam": "1"])).isEmpty)
        #expect(try await Self.run(chain, .text("b")).map(\.text) == ["echo b"])
        #expect(generator.inputs.values.map(\.text) == ["b"])
    }

    @Test("a middleware can short-circuit: emit a reply itself without calling the generator")
    func shortCircuit() async throws {
        let generator = RecordingGenerator(Self.echo)
        let cache = ClosureMiddleware(name: "cache") { input, context, next in
            if input.text == "cached" {
                try await context.emit(.text("from cache"))
                return
            }
            try await next(input, context)
        }
        let chain = ProcessingChain(generator: generator, middleware: [cache])
        #expect(try await Self.run(chain, .text("cached")).map(\.text) == ["from cache"])
        #expect(generator.inputs.count == 0)
        #expect(try await Self.run(chain, .text("fresh")).map(\.text) == ["echo fresh"])
        #expect(generator.inputs.count == 1)
    }

    static func flaky(failures: Int) -> (RecordingGenerator, Counter) {
        let attempts = Counter()
        let generator = RecordingGenerator { input, context in
            let attempt = attempts.increment()
            if attempt <= failures { throw TestFailure(message: "attempt \(attempt) failed") }
            try await context.emit(.text("done on attempt \(attempt)"))
        }
        return (generator, attempts)
    }

    static func retry(times: Int) -> ClosureMiddleware {
        ClosureMiddleware(name: "retry") { input, context, next in
            var attempt = 1
            while true {
                do {
                    return try await next(input, context)
                } catch {
                    guard attempt < times else { throw error }
                    attempt += 1
                }
            }
        }
    }

    @Test("a retry middleware calls next again after a throw; the generator succeeds on the 3rd attempt")
    func retrySucceeds() async throws {
        let (generator, attempts) = Self.flaky(failures: 2)
        let chain = ProcessingChain(generator: generator, middleware: [Self.retry(times: 5)])
        #expect(try await Self.run(chain, .text("x")).map(\.text) == ["done on attempt 3"])
        #expect(attempts.current == 3)
    }

    @Test("when retries run out the last error propagates")
    func retryExhausted() async throws {
        let (generator, attempts) = Self.flaky(failures: 5)
        let chain = ProcessingChain(generator: generator, middleware: [Self.retry(times: 2)])
        let error = await #expect(throws: TestFailure.self) { try await Self.run(chain, .text("x")) }
        #expect(error?.message == "attempt 2 failed")
        #expect(attempts.current == 2)
    }

    @Test("interceptingEmits lets a middleware rewrite and filter the generator's outputs")
    func interceptOutputs() async throws {
        let generator = RecordingGenerator { _, context in
            for word in ["alpha", "secret", "beta"] { try await context.emit(.text(word)) }
        }
        let censor = ClosureMiddleware(name: "censor") { input, context, next in
            let censored = context.interceptingEmits { output, emit in
                guard output.text != "secret" else { return }
                var rewritten = output
                rewritten.payload = Data(output.text.uppercased().utf8)
                rewritten.metadata["censored-by"] = "censor"
                try await emit(rewritten)
            }
            #expect(censored.node == context.node && censored.input.id == context.input.id)
            try await next(input, censored)
        }
        let tagger = ClosureMiddleware(name: "tagger") { input, context, next in
            try await next(input, context.interceptingEmits { output, emit in
                var tagged = output
                tagged.metadata["tag"] = "outer saw \(output.text)"
                try await emit(tagged)
            })
        }
        let outputs = try await Self.run(ProcessingChain(generator: generator, middleware: [tagger, censor]), .text("in"))
        #expect(outputs.map(\.text) == ["ALPHA", "BETA"])
        #expect(outputs.map { $0.metadata["tag"] ?? "" } == ["outer saw ALPHA", "outer saw BETA"])
        #expect(outputs.allSatisfy { $0.metadata["censored-by"] == "censor" })
    }

    @Test("shutdown runs in reverse order of creation: last middleware first, generator last")
    func shutdownOrder() async throws {
        let log = Recorder<String>()
        let generator = RecordingGenerator(log: log)
        let middleware = ["first", "second", "third"].map { RecordingMiddleware($0, log: log) }
        let chain = ProcessingChain(generator: generator, middleware: middleware)
        await chain.shutdown()
        #expect(log.values == ["shutdown third", "shutdown second", "shutdown first", "shutdown generator"])
        #expect(generator.shutdowns.current == 1)
        #expect(middleware.allSatisfy { $0.shutdowns.current == 1 })
    }

    @Test("default shutdowns of closure generators and middleware do nothing and do not fail")
    func defaultShutdowns() async throws {
        let chain = ProcessingChain(
            generator: ClosureGenerator { _, _ in }, middleware: [ClosureMiddleware(name: "m") { _, _, _ in }])
        await chain.shutdown()
        #expect(chain.generator.ports == .any)
        #expect(PortTypes.any.description == "{*/*} → {*/*}")
    }
}
