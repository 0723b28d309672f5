/// The rest of a processing chain, as seen from one middleware: the next middleware, or the
/// generator itself.
public struct MiddlewareNext: Sendable {
    let body: @Sendable (Artifact, ProcessingContext) async throws -> Void

    /// Makes a continuation from a closure (used by adapters that bridge chains, such as
    /// the native plugin SDK).
    public init(_ body: @escaping @Sendable (Artifact, ProcessingContext) async throws -> Void) {
        self.body = body
    }

    /// Passes an input (the original, or one the middleware made) on down the chain.
    /// Calling it again retries; not calling it short-circuits or drops the input.
    public func callAsFunction(_ input: Artifact, _ context: ProcessingContext) async throws {
        try await body(input, context)
    }
}

/// Wraps a generator, onion-style: sees each input before the generator and, through
/// `ProcessingContext.interceptingEmits`, each output after it.
///
/// A middleware can transform the input, drop it (return without calling `next`),
/// short-circuit (emit a reply itself), retry (call `next` again after a failure), bound
/// it in time, or just observe. Chains run in declared order: the first middleware listed
/// is the outermost.
public protocol Middleware: Sendable {
    /// A short name for logs and statistics, e.g. `log` or `retry`.
    var name: String { get }

    /// Handles one input; call `next(input, context)` to pass it on.
    func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws

    /// Releases the middleware's resources; called once, after the generator's last input.
    func shutdown() async
}

extension Middleware {
    /// Nothing to release by default.
    public func shutdown() async {}
}

/// A middleware made from a closure, for small adaptations and tests.
public struct ClosureMiddleware: Middleware {
    public let name: String
    private let body: @Sendable (Artifact, ProcessingContext, MiddlewareNext) async throws -> Void

    /// Wraps `body` as a middleware named `name`.
    public init(
        name: String, _ body: @escaping @Sendable (Artifact, ProcessingContext, MiddlewareNext) async throws -> Void
    ) {
        self.name = name
        self.body = body
    }

    public func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        try await body(input, context, next)
    }
}

/// A generator and the middleware around it, composed once into one call.
public struct ProcessingChain: Sendable {
    /// The middleware, outermost first.
    public let middleware: [any Middleware]
    /// The generator at the centre.
    public let generator: any Generator
    private let entry: MiddlewareNext

    /// Composes `middleware` (outermost first) around `generator`.
    public init(generator: any Generator, middleware: [any Middleware]) {
        self.generator = generator
        self.middleware = middleware
        var next = MiddlewareNext { input, context in try await generator.process(input, context: context) }
        for layer in middleware.reversed() {
            let inner = next
            next = MiddlewareNext { input, context in try await layer.handle(input, context: context, next: inner) }
        }
        entry = next
    }

    /// Runs one input through every middleware and the generator.
    public func process(_ input: Artifact, context: ProcessingContext) async throws {
        try await entry(input, context)
    }

    /// Shuts down in the reverse order of creation: the generator is made first and the
    /// middleware in declared order after it, so the last middleware goes first and the
    /// generator last.
    public func shutdown() async {
        for layer in middleware.reversed() { await layer.shutdown() }
        await generator.shutdown()
    }
}
