import Synchronization

/// A generator that gives each conversation an instance of its own: inputs are routed by
/// correlation id (the input's id when it has none), and the first input of a conversation
/// makes its instance, so two conversations interleaved on one node never see each other's
/// state.
///
/// An instance unused for `idleTimeout` is shut down (one timer task sleeps until the next
/// instance falls idle; nothing polls), and when `maximumInstances` are alive a new
/// conversation shuts down the one unused longest. A conversation that comes back after
/// either gets a new instance. Instances in use are never shut down under it.
public final class PerCorrelationGenerator: Generator, Sendable {
    /// The types of every instance (the first one's).
    public let ports: PortTypes
    /// How long an instance may sit unused before it is shut down.
    public let idleTimeout: Duration
    /// Most instances alive at once.
    public let maximumInstances: Int

    private let makeInstance: @Sendable (_ correlationID: String) async throws -> any Generator
    private let prepare: @Sendable (_ instance: any Generator, _ correlationID: String) async throws -> any Generator
    private let state: Mutex<State>

    /// Counts over the generator's life, for reports and tests.
    public struct Counts: Sendable, Equatable {
        /// Instances made, the first one included.
        public var created = 0
        /// Instances shut down because they sat unused for `idleTimeout`.
        public var evictedIdle = 0
        /// Instances shut down to keep to `maximumInstances`.
        public var evictedForRoom = 0
        /// Instances alive now.
        public var alive = 0

        /// Counts with the given values.
        public init(created: Int = 0, evictedIdle: Int = 0, evictedForRoom: Int = 0, alive: Int = 0) {
            self.created = created
            self.evictedIdle = evictedIdle
            self.evictedForRoom = evictedForRoom
            self.alive = alive
        }
    }

    private struct Instance {
        /// Made once, awaited by every input of its conversation (the first one waits for it to be made).
        let generator: Task<any Generator, any Error>
        var inUse = 0
        var lastUsed: ContinuousClock.Instant
    }

    private struct State {
        var instances: [String: Instance] = [:]
        /// An instance made ahead (to check the config when the graph is built) for the first conversation.
        var spare: (any Generator)?
        var evictionTimer: Task<Void, Never>?
        var isShutDown = false
        var counts = Counts()
    }

    /// Makes the generator.
    ///
    /// - Parameters:
    ///   - firstInstance: an instance already made (its ports are the generator's), given to
    ///     the first conversation.
    ///   - idleTimeout: how long an unused instance lives.
    ///   - maximumInstances: most instances alive at once (at least 1).
    ///   - prepare: readies an instance for the conversation it is given to (the first one
    ///     included) before its first input: loads that conversation's saved state, say. A
    ///     throw fails the input, as a failed `makeInstance` does.
    ///   - makeInstance: makes the instance of a new conversation; a throw fails that input.
    public init(
        firstInstance: any Generator, idleTimeout: Duration, maximumInstances: Int,
        prepare: @escaping @Sendable (_ instance: any Generator, _ correlationID: String) async throws -> any Generator = { instance, _ in instance },
        makeInstance: @escaping @Sendable (_ correlationID: String) async throws -> any Generator
    ) {
        self.ports = firstInstance.ports
        self.idleTimeout = idleTimeout
        self.maximumInstances = max(1, maximumInstances)
        self.makeInstance = makeInstance
        self.prepare = prepare
        var state = State()
        state.spare = firstInstance
        state.counts.created = 1
        state.counts.alive = 1
        self.state = Mutex(state)
    }

    /// What the generator has done so far.
    public var counts: Counts {
        state.withLock { $0.counts }
    }

    /// The conversations that have an instance now, sorted.
    public var conversations: [String] {
        state.withLock { $0.instances.keys.sorted() }
    }

    public func process(_ input: Artifact, context: ProcessingContext) async throws {
        let key = input.correlationID ?? input.id.rawValue
        let generator = try await acquire(key)
        defer { release(key) }
        try await generator.process(input, context: context)
    }

    public func shutdown() async {
        let (timer, instances, spare) = state.withLock { state in
            state.isShutDown = true
            defer {
                state.instances = [:]
                state.spare = nil
                state.evictionTimer = nil
                state.counts.alive = 0
            }
            return (state.evictionTimer, Array(state.instances.values), state.spare)
        }
        timer?.cancel()
        for instance in instances { await Self.shutDown(instance) }
        await spare?.shutdown()
    }

    // MARK: Instances

    /// The conversation's instance, made when it has none; marked in use until `release`.
    private func acquire(_ key: String) async throws -> any Generator {
        let (instance, evicted) = try state.withLock { state throws -> (Task<any Generator, any Error>, Instance?) in
            guard !state.isShutDown else { throw CancellationError() }
            if var instance = state.instances[key] {
                instance.inUse += 1
                state.instances[key] = instance
                return (instance.generator, nil)
            }
            var evicted: Instance?
            if state.instances.count + (state.spare == nil ? 0 : 1) >= maximumInstances {
                evicted = try evictLeastRecentlyUsed(&state)
            }
            let made: Task<any Generator, any Error>
            let prepare = self.prepare
            if let spare = state.spare {
                state.spare = nil
                made = Task {
                    do {
                        return try await prepare(spare, key)
                    } catch {
                        await spare.shutdown()
                        throw error
                    }
                }
            } else {
                let makeInstance = self.makeInstance
                made = Task {
                    let instance = try await makeInstance(key)
                    do {
                        return try await prepare(instance, key)
                    } catch {
                        await instance.shutdown()
                        throw error
                    }
                }
                state.counts.created += 1
                state.counts.alive += 1
            }
            state.instances[key] = Instance(generator: made, inUse: 1, lastUsed: .now)
            return (made, evicted)
        }
        if let evicted { await Self.shutDown(evicted) }
        do {
            return try await instance.value
        } catch {
            // A conversation whose instance could not be made tries again with its next input.
            state.withLock { state in
                guard state.instances[key]?.generator == instance else { return }
                state.instances[key] = nil
                state.counts.alive -= 1
            }
            throw PerCorrelationInstanceFailed(correlationID: key, reason: error)
        }
    }

    /// Marks one use of the conversation's instance over, and starts the idle timer if none runs.
    private func release(_ key: String) {
        state.withLock { state in
            guard var instance = state.instances[key] else { return }
            instance.inUse -= 1
            instance.lastUsed = .now
            state.instances[key] = instance
            if instance.inUse == 0 && state.evictionTimer == nil && !state.isShutDown {
                state.evictionTimer = Task { [weak self] in await self?.evictIdleInstances() }
            }
        }
    }

    /// Removes the instance unused longest to make room (the spare first: nobody uses it yet).
    private func evictLeastRecentlyUsed(_ state: inout State) throws -> Instance? {
        if state.spare != nil {
            // Kept only for the first conversation; with a cap of one it is that conversation's.
            return nil
        }
        guard let (key, instance) = state.instances.filter({ $0.value.inUse == 0 }).min(by: { $0.value.lastUsed < $1.value.lastUsed }) else {
            throw PerCorrelationInstancesBusy(maximum: maximumInstances)
        }
        state.instances[key] = nil
        state.counts.evictedForRoom += 1
        state.counts.alive -= 1
        return instance
    }

    /// The idle timer: sleeps until the instance unused longest reaches `idleTimeout`, shuts down
    /// every instance past it, and ends when no unused instance is left (`release` starts it again).
    private func evictIdleInstances() async {
        while true {
            let (expired, nextDeadline) = state.withLock { state -> ([Instance], ContinuousClock.Instant?) in
                let now = ContinuousClock.now
                var expired: [Instance] = []
                var next: ContinuousClock.Instant?
                for (key, instance) in state.instances where instance.inUse == 0 {
                    let deadline = instance.lastUsed + idleTimeout
                    if deadline <= now {
                        expired.append(instance)
                        state.instances[key] = nil
                        state.counts.evictedIdle += 1
                        state.counts.alive -= 1
                    } else {
                        next = min(next ?? deadline, deadline)
                    }
                }
                if next == nil { state.evictionTimer = nil }
                return (expired, next)
            }
            for instance in expired { await Self.shutDown(instance) }
            guard let nextDeadline else { return }
            do {
                try await Task.sleep(until: nextDeadline, clock: .continuous)
            } catch {
                return
            }
        }
    }

    private static func shutDown(_ instance: Instance) async {
        guard let generator = try? await instance.generator.value else { return }
        await generator.shutdown()
    }
}

/// A conversation's instance could not be made (the plugin's `create` failed); the input fails.
public struct PerCorrelationInstanceFailed: Error, CustomStringConvertible {
    /// The conversation.
    public var correlationID: String
    /// Why.
    public var reason: any Error

    public var description: String {
        "could not make the instance for conversation \(correlationID): \(reason)"
    }
}

/// Every instance is in use and the cap allows no more (a node's concurrency above its
/// `maxInstances`, which manifests refuse).
public struct PerCorrelationInstancesBusy: Error, CustomStringConvertible {
    /// The cap.
    public var maximum: Int

    public var description: String {
        "all \(maximum) instances of the node are in use and maxInstances allows no more; raise maxInstances to at least the node's concurrency"
    }
}
