import DequeModule
import Synchronization

/// A bounded, cancellable queue between any number of writers and one reader.
///
/// - Writers call `write(_:deadline:)`. When the buffer is full the `policy` decides: wait
///   (`block`), drop the oldest or the newest element, or fail. Every drop is counted in
///   `statistics` and returned to the writer, so the caller can report it.
/// - The reader iterates the buffer as an `AsyncSequence`. It takes queued elements in
///   batches (one lock per batch, not per element) and sleeps on a continuation when the
///   buffer is empty: nothing here polls or sleeps in a loop.
/// - `close()` lets the reader drain what is queued, then ends the sequence; `cancel()` drops
///   the queue at once. Either way blocked and later writes fail with a `BufferError`.
public final class Buffer<Element: Sendable>: Sendable {
    /// The most elements queued at once.
    public let capacity: Int
    /// What a full buffer does with a new element.
    public let policy: BackpressurePolicy

    private let state: Mutex<State>
    private let nextWriterID = Atomic<UInt64>(0)

    /// Makes an empty open buffer.
    ///
    /// - Parameters:
    ///   - capacity: the most elements queued at once; at least 1.
    ///   - policy: what a full buffer does with a new element.
    public init(capacity: Int = 1024, policy: BackpressurePolicy = .block) {
        precondition(capacity >= 1, "a Buffer needs a capacity of at least 1, got \(capacity)")
        self.capacity = capacity
        self.policy = policy
        self.state = Mutex(State())
    }

    /// The buffer's counters now.
    public var statistics: BufferStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.pending = state.elements.count
            statistics.blockedWriters = state.writers.count
            return statistics
        }
    }

    /// Whether the buffer still accepts writes.
    public var isOpen: Bool {
        state.withLock { $0.phase == .open }
    }

    // MARK: Writing

    /// Queues one element, applying the policy when the buffer is full.
    ///
    /// - Parameter deadline: with the `block` policy, how long the write may wait for room;
    ///   `nil` waits until there is room, the buffer closes, or the task is cancelled.
    /// - Returns: whether the element or an older one was dropped to honour the policy.
    /// - Throws: `BufferError.closed` / `.cancelled` after `close()` / `cancel()`,
    ///   `BufferError.full` under `fail`, `BufferError.timedOut` past the deadline, and
    ///   `CancellationError` when the writing task is cancelled while it waits.
    @discardableResult
    public func write(_ element: Element, deadline: ContinuousClock.Instant? = nil) async throws -> WriteOutcome<Element> {
        if let outcome = try writeWithoutWaiting(element) { return outcome }
        try await waitForRoom(element, deadline: deadline)
        return .enqueued
    }

    /// The part of `write(_:deadline:)` that never suspends, as a plain function so a hot
    /// caller (the hub's per-artifact publish) pays no async call when there is room.
    ///
    /// - Returns: the outcome, or `nil` when the element must wait for room (`block`, full);
    ///   the caller then calls `write(_:deadline:)`.
    /// - Throws: what `write(_:deadline:)` throws without waiting (closed, cancelled, full under `fail`).
    func writeWithoutWaiting(_ element: Element) throws -> WriteOutcome<Element>? {
        var reader: UnsafeContinuation<Void, Never>?
        let attempt: FastWrite = try state.withLock { state in
            try state.throwIfNotOpen()
            if state.elements.count < capacity {
                state.append(element)
                reader = state.takeReader()
                return .done(.enqueued)
            }
            switch policy {
            case .block:
                return .mustWait
            case .dropOldest:
                let oldest = state.elements.removeFirst()
                state.statistics.dropped += 1
                state.append(element)
                return .done(.droppedOldest(oldest))
            case .dropNewest:
                state.statistics.dropped += 1
                return .done(.droppedNewest(element))
            case .fail:
                state.statistics.refused += 1
                throw BufferError.full(capacity: capacity)
            }
        }
        reader?.resume()
        switch attempt {
        case .done(let outcome):
            return outcome
        case .mustWait:
            return nil
        }
    }

    /// Queues an element only if that needs no waiting: there is room, or the policy is
    /// `dropOldest`. Never suspends, so it is safe where blocking could deadlock.
    ///
    /// - Returns: the outcome, or `nil` when the element was not queued (the buffer is full
    ///   under `block`, `dropNewest` or `fail`, or it is closed or cancelled). Nothing is counted
    ///   as dropped for a `nil`: the caller still holds the element and reports it.
    public func offer(_ element: Element) -> WriteOutcome<Element>? {
        var reader: UnsafeContinuation<Void, Never>?
        let outcome: WriteOutcome<Element>? = state.withLock { state in
            guard state.phase == .open else { return nil }
            if state.elements.count < capacity {
                state.append(element)
                reader = state.takeReader()
                return .enqueued
            }
            guard policy == .dropOldest else { return nil }
            let oldest = state.elements.removeFirst()
            state.statistics.dropped += 1
            state.append(element)
            return .droppedOldest(oldest)
        }
        reader?.resume()
        return outcome
    }

    /// Queues a batch under one lock, applying the policy element by element.
    ///
    /// Under `block`, elements that do not fit wait in order, each with the same deadline.
    /// - Returns: every element that was dropped or refused, by reason.
    /// - Throws: `BufferBatchError`, which lists the elements that were not queued and what
    ///   was dropped before the failure; its `reason` is what `write(_:deadline:)` would throw.
    @discardableResult
    public func write<Elements: Sequence<Element>>(
        contentsOf elements: Elements, deadline: ContinuousClock.Instant? = nil
    ) async throws(BufferBatchError<Element>) -> BatchWriteOutcome<Element> {
        var outcome = BatchWriteOutcome<Element>()
        var iterator = elements.makeIterator()
        var resumedAfterWait = false
        // Each round queues, under one lock, as much of the rest of the batch as fits. A batch
        // that met a full buffer used to write its remainder one element at a time, each with
        // its own suspension, even once the reader had emptied the buffer; now it waits for
        // room for one element, then bulk-appends again.
        while true {
            let (reader, firstWaiting, closedError) = state.withLock {
                state -> (UnsafeContinuation<Void, Never>?, Element?, BufferError?) in
                do {
                    try state.throwIfNotOpen()
                } catch {
                    return (nil, nil, error as? BufferError)
                }
                var waiting: Element?
                if resumedAfterWait && !state.writers.isEmpty {
                    // Other writers were blocked first: the rest of this batch queues behind them.
                    guard let next = iterator.next() else { return (nil, nil, nil) }
                    waiting = next
                }
                while waiting == nil, let element = iterator.next() {
                    if state.elements.count < capacity {
                        state.append(element)
                        continue
                    }
                    switch policy {
                    case .block:
                        waiting = element
                    case .dropOldest:
                        outcome.droppedOldest.append(state.elements.removeFirst())
                        state.statistics.dropped += 1
                        state.append(element)
                    case .dropNewest:
                        outcome.droppedNewest.append(element)
                        state.statistics.dropped += 1
                    case .fail:
                        outcome.refused.append(element)
                        state.statistics.refused += 1
                    }
                }
                return (state.elements.isEmpty ? nil : state.takeReader(), waiting, nil)
            }
            reader?.resume()
            if let closedError {
                throw BufferBatchError(reason: closedError, unwritten: Array(IteratorSequence(iterator)), partial: outcome)
            }
            guard let pending = firstWaiting else { return outcome }
            do {
                try await waitForRoom(pending, deadline: deadline)
            } catch {
                throw BufferBatchError(
                    reason: error, unwritten: [pending] + Array(IteratorSequence(iterator)), partial: outcome)
            }
            resumedAfterWait = true
        }
    }

    // MARK: Ending

    /// Stops accepting writes; the reader still receives every queued element, then the end.
    /// Writers waiting for room fail with `BufferError.closed`. Closing twice is harmless.
    public func close() {
        let (reader, writers) = state.withLock { state -> (UnsafeContinuation<Void, Never>?, [BlockedWriter]) in
            guard state.phase == .open else { return (nil, []) }
            state.phase = .closed
            let writers = Array(state.writers)
            state.writers.removeAll()
            return (state.takeReader(), writers)
        }
        for writer in writers { writer.continuation.resume(throwing: BufferError.closed) }
        reader?.resume()
    }

    /// Stops at once: drops every queued element (counted as dropped), ends the reader's
    /// sequence, and fails waiting and later writes with `BufferError.cancelled`.
    ///
    /// - Returns: the dropped elements, so the caller can report them.
    @discardableResult
    public func cancel() -> [Element] {
        let (reader, writers, dropped) = state.withLock {
            state -> (UnsafeContinuation<Void, Never>?, [BlockedWriter], [Element]) in
            guard state.phase != .cancelled else { return (nil, [], []) }
            state.phase = .cancelled
            let dropped = Array(state.elements)
            state.elements.removeAll()
            state.statistics.dropped += dropped.count
            let writers = Array(state.writers)
            state.writers.removeAll()
            return (state.takeReader(), writers, dropped)
        }
        for writer in writers { writer.continuation.resume(throwing: BufferError.cancelled) }
        reader?.resume()
        return dropped
    }

    // MARK: Reading

    /// Waits for queued elements and takes up to `limit` of them at once.
    ///
    /// - Returns: a non-empty batch, or `nil` when the buffer is closed and drained or cancelled.
    /// - Throws: `CancellationError` when the reading task is cancelled while it waits.
    public func nextBatch(limit: Int = .max) async throws -> Deque<Element>? {
        while true {
            let step: ReadStep = state.withLock { state in
                if !state.elements.isEmpty {
                    let (batch, admitted) = state.takeBatch(limit: limit, capacity: capacity)
                    return .batch(batch, admitted)
                }
                guard state.phase == .open else { return .finished }
                return state.reader == nil ? .wait : .concurrentReader
            }
            switch step {
            case .batch(let batch, let admitted):
                for writer in admitted { writer.resume() }
                return batch
            case .finished:
                return nil
            case .wait:
                try await waitForElements()
            case .concurrentReader:
                throw BufferError.concurrentReaders
            }
        }
    }

    /// Like `nextBatch(limit:)`, but hands the queued elements over by swapping storage with
    /// `batch`, which must be empty: the buffer keeps `batch`'s (already allocated) storage for
    /// the next writes. The iterators read this way, so a steady stream of small batches (one
    /// publish at a time) allocates nothing on the read side — `nextBatch(limit:)` must make a
    /// new queue storage per batch, which cost one malloc/free pair per artifact.
    ///
    /// - Returns: `false` when the buffer is closed and drained, or cancelled.
    func nextBatch(swappingInto batch: inout Deque<Element>, limit: Int) async throws -> Bool {
        assert(batch.isEmpty, "nextBatch(swappingInto:) needs an empty batch to swap in")
        while true {
            let step: SwapStep = state.withLock { state in
                if !state.elements.isEmpty {
                    return .taken(state.swapBatch(into: &batch, limit: limit, capacity: capacity))
                }
                guard state.phase == .open else { return .finished }
                return state.reader == nil ? .wait : .concurrentReader
            }
            switch step {
            case .taken(let admitted):
                for writer in admitted { writer.resume() }
                return true
            case .finished:
                return false
            case .wait:
                try await waitForElements()
            case .concurrentReader:
                throw BufferError.concurrentReaders
            }
        }
    }

    /// Suspends until an element is queued or the buffer ends; returns at once if either is so.
    private func waitForElements() async throws {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let mustResume: Bool = state.withLock { state in
                    // A second reader is refused by the caller's next step; wake it at once.
                    if !state.elements.isEmpty || state.phase != .open || Task.isCancelled || state.reader != nil {
                        return true
                    }
                    state.reader = continuation
                    return false
                }
                if mustResume { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.takeReader() }?.resume()
        }
        try Task.checkCancellation()
    }

    // MARK: Blocked writers

    /// Waits for room for `element` (policy `block`), until `deadline` if one is given.
    private func waitForRoom(_ element: Element, deadline: ContinuousClock.Instant?) async throws {
        guard let deadline else {
            try await enqueueWhenRoom(element, id: nextWriterID.add(1, ordering: .relaxed).newValue)
            return
        }
        let id = nextWriterID.add(1, ordering: .relaxed).newValue
        let enqueued = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await self.enqueueWhenRoom(element, id: id)
                return true
            }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return false
            }
            let first = try await group.next()
            group.cancelAll()
            if first == true { return true }
            // The deadline passed; the write may still have been admitted just before its
            // cancellation took effect, and then it must count as written.
            do {
                return try await group.next() ?? false
            } catch {
                return false
            }
        }
        if !enqueued {
            state.withLock { $0.statistics.timedOut += 1 }
            throw BufferError.timedOut
        }
    }

    private func enqueueWhenRoom(_ element: Element, id: UInt64) async throws {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                var reader: UnsafeContinuation<Void, Never>?
                let immediate: Result<Void, any Error>? = state.withLock { state in
                    do {
                        try state.throwIfNotOpen()
                    } catch {
                        return .failure(error)
                    }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.elements.count < capacity && state.writers.isEmpty {
                        state.append(element)
                        reader = state.takeReader()
                        return .success(())
                    }
                    state.writers.append(BlockedWriter(id: id, element: element, continuation: continuation))
                    return nil
                }
                reader?.resume()
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let writer: BlockedWriter? = state.withLock { state in
                guard let index = state.writers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.writers.remove(at: index)
            }
            writer?.continuation.resume(throwing: CancellationError())
        }
    }

    // MARK: State

    private enum Phase { case open, closed, cancelled }

    private struct BlockedWriter {
        let id: UInt64
        let element: Element
        let continuation: UnsafeContinuation<Void, any Error>
    }

    private enum FastWrite {
        case done(WriteOutcome<Element>)
        case mustWait
    }

    private enum SwapStep {
        case taken([UnsafeContinuation<Void, any Error>])
        case wait
        case concurrentReader
        case finished
    }

    private enum ReadStep {
        case batch(Deque<Element>, [UnsafeContinuation<Void, any Error>])
        case wait
        case concurrentReader
        case finished
    }

    private struct State {
        var elements = Deque<Element>()
        var phase = Phase.open
        var reader: UnsafeContinuation<Void, Never>?
        var writers = Deque<BlockedWriter>()
        var statistics = BufferStatistics()

        func throwIfNotOpen() throws {
            switch phase {
            case .open: return
            case .closed: throw BufferError.closed
            case .cancelled: throw BufferError.cancelled
            }
        }

        mutating func append(_ element: Element) {
            elements.append(element)
            statistics.enqueued += 1
            if elements.count > statistics.highWaterMark { statistics.highWaterMark = elements.count }
        }

        mutating func takeReader() -> UnsafeContinuation<Void, Never>? {
            defer { reader = nil }
            return reader
        }

        /// Hands the reader up to `limit` elements and admits blocked writers into the room made.
        mutating func takeBatch(limit: Int, capacity: Int) -> (Deque<Element>, [UnsafeContinuation<Void, any Error>]) {
            let batch: Deque<Element>
            if elements.count <= limit {
                batch = elements
                elements = Deque(minimumCapacity: Swift.min(batch.count, capacity))
            } else {
                batch = Deque(elements.prefix(limit))
                elements.removeFirst(limit)
            }
            statistics.delivered += batch.count
            return (batch, admitWriters(capacity: capacity))
        }

        /// Moves up to `limit` elements into the empty `batch`; swaps whole storages when all fit.
        mutating func swapBatch(into batch: inout Deque<Element>, limit: Int, capacity: Int) -> [UnsafeContinuation<Void, any Error>] {
            if elements.count <= limit {
                swap(&elements, &batch)
            } else {
                for _ in 0..<limit { batch.append(elements.removeFirst()) }
            }
            statistics.delivered += batch.count
            return admitWriters(capacity: capacity)
        }

        /// Queues blocked writers' elements into the room a read made; returns whom to resume.
        mutating func admitWriters(capacity: Int) -> [UnsafeContinuation<Void, any Error>] {
            guard !writers.isEmpty else { return [] }  // the common case: no array made
            var admitted: [UnsafeContinuation<Void, any Error>] = []
            while elements.count < capacity, let writer = writers.popFirst() {
                append(writer.element)
                admitted.append(writer.continuation)
            }
            return admitted
        }
    }
}

extension Buffer: AsyncSequence {
    public typealias Failure = any Error

    /// Reads the buffer in order. Ends when the buffer is closed and drained, or cancelled.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: Buffer
        var batch = Deque<Element>()

        public mutating func next() async throws -> Element? {
            if let element = batch.popFirst() { return element }
            guard try await buffer.nextBatch(swappingInto: &batch, limit: buffer.capacity) else { return nil }
            return batch.popFirst()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffer: self)
    }
}
