import Foundation
import Manifold
import Synchronization
import Testing

// MARK: - Deadlines

/// Thrown (and recorded as a test issue) when `withDeadline` runs out of time.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let seconds: Double
    let what: String

    var description: String { "\(what) did not finish within \(seconds) s" }
}

/// Runs `body` and fails the test instead of hanging when it takes longer than `seconds`.
///
/// A guard against hangs, not a measure of speed: the default is far above what any body
/// here needs, since the suites share two cores with CLI tests' child processes.
///
/// The body runs in its own task; a task group races a cancellable wait for its result
/// against a sleep. On timeout the body is cancelled, an issue is recorded and
/// `DeadlineExceeded` is thrown, even if the body ignores cancellation (it is then left behind,
/// but the test does not hang).
@discardableResult
func withDeadline<T: Sendable>(
    seconds: Double = 30, _ what: String = "the operation", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let result = Completion<T>()
    let work = Task {
        do { result.complete(.success(try await body())) } catch { result.complete(.failure(error)) }
    }
    do {
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await result.value() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw DeadlineExceeded(seconds: seconds, what: what)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    } catch let error as DeadlineExceeded {
        work.cancel()
        Issue.record("\(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// A result delivered once and awaited by one task, whose wait ends at once if that task is cancelled.
final class Completion<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var waiter: CheckedContinuation<Value, any Error>?
    }

    private let state = Mutex(State())

    func complete(_ result: Result<Value, any Error>) {
        let waiter: CheckedContinuation<Value, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Value {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let now: Result<Value, any Error>? = state.withLock { state in
                    if let result = state.result { return result }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiter = continuation
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            state.withLock { state -> CheckedContinuation<Value, any Error>? in
                defer { state.waiter = nil }
                return state.waiter
            }?.resume(throwing: CancellationError())
        }
    }
}

// MARK: - Gates and latches

/// A one-way gate built on continuations: `wait()` suspends until `open()` (no polling).
/// Waiting is cancellable: a cancelled waiter throws `CancellationError` at once.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    }

    private let state = Mutex(State())

    init() {}

    var isOpen: Bool { state.withLock { $0.isOpen } }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.isOpen = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now: Result<Void, any Error>? = state.withLock { state in
                    if state.isOpen { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }

    /// Waits for the gate at most `seconds`: `true` if it opened, `false` if time ran out.
    /// Used to show that something does *not* happen while it must not.
    func opens(within seconds: Double) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await self.wait()
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first || isOpen
        }
    }
}

/// Opens once `count` parties have arrived.
final class Latch: Sendable {
    private let remaining: Mutex<Int>
    private let gate = Gate()

    init(count: Int) {
        remaining = Mutex(count)
        if count <= 0 { gate.open() }
    }

    func arrive() {
        let left = remaining.withLock { remaining -> Int in
            remaining -= 1
            return remaining
        }
        if left == 0 { gate.open() }
    }

    func wait() async throws { try await gate.wait() }

    /// Arrives and waits for the others.
    func arriveAndWait() async throws {
        arrive()
        try await wait()
    }
}

// MARK: - Recording

/// A thread-safe append-only list.
final class Recorder<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    init() {}

    func append(_ element: Element) { storage.withLock { $0.append(element) } }
    var values: [Element] { storage.withLock { $0 } }
    var count: Int { storage.withLock { $0.count } }
}

/// A thread-safe counter.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)

    init() {}

    @discardableResult
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }
    var current: Int { value.load(ordering: .relaxed) }
}

/// A generator that records every input and its shutdown, then runs `body`.
final class RecordingGenerator: Generator {
    let ports: PortTypes
    let inputs = Recorder<Artifact>()
    let shutdowns = Counter()
    private let log: Recorder<String>?
    private let body: @Sendable (Artifact, ProcessingContext) async throws -> Void

    init(
        ports: PortTypes = .any, log: Recorder<String>? = nil,
        _ body: @escaping @Sendable (Artifact, ProcessingContext) async throws -> Void = { _, _ in }
    ) {
        self.ports = ports
        self.log = log
        self.body = body
    }

    func process(_ input: Artifact, context: ProcessingContext) async throws {
        inputs.append(input)
        log?.append("generator \(input.text)")
        try await body(input, context)
    }

    func shutdown() async {
        shutdowns.increment()
        log?.append("shutdown generator")
    }
}

/// A middleware that logs `enter NAME` / `exit NAME` and its shutdown around `body`
/// (by default: pass the input on).
final class RecordingMiddleware: Middleware {
    let name: String
    let shutdowns = Counter()
    private let log: Recorder<String>
    private let body: @Sendable (Artifact, ProcessingContext, MiddlewareNext) async throws -> Void

    init(
        _ name: String, log: Recorder<String>,
        _ body: @escaping @Sendable (Artifact, ProcessingContext, MiddlewareNext) async throws -> Void = {
            input, context, next in try await next(input, context)
        }
    ) {
        self.name = name
        self.log = log
        self.body = body
    }

    func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        log.append("enter \(name)")
        defer { log.append("exit \(name)") }
        try await body(input, context, next)
    }

    func shutdown() async {
        shutdowns.increment()
        log.append("shutdown \(name)")
    }
}

// MARK: - Reading subscriptions

/// Fires `action` once after `seconds` unless stopped first; used to bound reads that run in
/// the test's own task (an iterator cannot be handed to another task).
final class Watchdog: Sendable {
    private let firedGate: Gate
    private let task: Task<Void, Never>

    init(seconds: Double, action: @escaping @Sendable () -> Void) {
        let gate = Gate()
        firedGate = gate
        task = Task {
            guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return }
            gate.open()
            action()
        }
    }

    var fired: Bool { firedGate.isOpen }

    func stop() { task.cancel() }
}

/// Reads a subscription with one persistent iterator (an iterator holds a batch taken from
/// the queue, so it must not be thrown away between reads) and settles each artifact as
/// soon as it is taken, so the hub's in-flight count reflects only what is still unread.
///
/// `take` and `drain` never hang: past their time limit a watchdog cancels the subscription
/// (which ends the read) and the test fails.
struct Inbox {
    let subscription: Subscription
    private var iterator: Subscription.AsyncIterator

    init(_ subscription: Subscription) {
        self.subscription = subscription
        iterator = subscription.makeAsyncIterator(settlingAutomatically: false)
    }

    mutating func next() async throws -> Artifact? {
        guard let artifact = try await iterator.next() else { return nil }
        subscription.settle()
        return artifact
    }

    /// Takes exactly `count` artifacts; records an issue if the subscription ends first or
    /// they do not all arrive within `seconds`.
    mutating func take(
        _ count: Int, within seconds: Double = 30, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [Artifact] {
        let subscription = self.subscription
        let watchdog = Watchdog(seconds: seconds) { subscription.cancel() }
        defer { watchdog.stop() }
        var taken: [Artifact] = []
        while taken.count < count, let artifact = try await next() { taken.append(artifact) }
        if taken.count < count {
            let why = watchdog.fired ? "did not arrive within \(seconds) s" : "never came: the subscription ended"
            Issue.record("'\(subscription.name)': \(count - taken.count) of \(count) artifacts \(why)", sourceLocation: sourceLocation)
        }
        return taken
    }

    /// Reads until the subscription ends (it must have been closed or cancelled).
    mutating func drain(within seconds: Double = 30, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [Artifact] {
        let subscription = self.subscription
        let watchdog = Watchdog(seconds: seconds) { subscription.cancel() }
        defer { watchdog.stop() }
        var taken: [Artifact] = []
        while let artifact = try await next() { taken.append(artifact) }
        if watchdog.fired {
            Issue.record("'\(subscription.name)' did not end within \(seconds) s", sourceLocation: sourceLocation)
        }
        return taken
    }
}

extension Hub {
    /// A subscription to `$dead-letter` with room for everything a test makes.
    func deadLetterInbox(capacity: Int = 10_000) throws -> Inbox {
        Inbox(try subscribe(Topic.deadLetter.name, name: "dead-letters", capacity: capacity))
    }
}

// MARK: - Small conveniences

// Test names and types are literals known to be valid; a typo traps at once, visibly.

func parseTopic(_ name: String) -> Topic {
    try! Topic(name)
}

func parsePattern(_ text: String) -> TopicPattern {
    try! TopicPattern(text)
}

func parseType(_ text: String) -> ArtifactType {
    try! ArtifactType(parsing: text)
}

extension Artifact {
    var deadLetterReason: String? { metadata[MetadataKey.deadLetterReason] }
    var deadLetterSubscriber: String? { metadata[MetadataKey.deadLetterSubscriber] }
    var deadLetterDetail: String? { metadata[MetadataKey.deadLetterDetail] }
    var deadLetterTopic: String? { metadata[MetadataKey.deadLetterTopic] }
}

/// Checks that `error` exists and its description contains every fragment.
func expectDescription(
    _ error: (any Error)?, contains fragments: String..., sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let error else {
        Issue.record("expected an error", sourceLocation: sourceLocation)
        return
    }
    let description = "\(error)"
    for fragment in fragments {
        #expect(description.contains(fragment), "\"\(description)\" lacks \"\(fragment)\"", sourceLocation: sourceLocation)
    }
}

extension DecodingError {
    /// The decoder's explanation, whatever the case.
    var debugDescriptionText: String {
        switch self {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context):
            return context.debugDescription
        @unknown default:
            return "\(self)"
        }
    }
}

/// A topic's counters in a form tests can build and compare (`TopicStatistics` has no public initialiser).
struct TopicCounts: Equatable, CustomStringConvertible {
    var published = 0
    var delivered = 0
    var dropped = 0
    var rejected = 0
    var deadLettered = 0

    init(published: Int = 0, delivered: Int = 0, dropped: Int = 0, rejected: Int = 0, deadLettered: Int = 0) {
        self.published = published
        self.delivered = delivered
        self.dropped = dropped
        self.rejected = rejected
        self.deadLettered = deadLettered
    }

    init(_ statistics: TopicStatistics) {
        self.init(
            published: statistics.published, delivered: statistics.delivered, dropped: statistics.dropped,
            rejected: statistics.rejected, deadLettered: statistics.deadLettered)
    }

    var description: String {
        "published \(published), delivered \(delivered), dropped \(dropped), rejected \(rejected), deadLettered \(deadLettered)"
    }
}

extension Hub {
    /// The counters of one topic, or `nil` if nothing was ever published to it.
    func counts(of topic: String) -> TopicCounts? {
        statistics.topics[topic].map(TopicCounts.init)
    }
}
