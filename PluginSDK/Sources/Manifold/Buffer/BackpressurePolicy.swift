/// What a full `Buffer` does with a new element.
public enum BackpressurePolicy: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The writer waits until there is room (or its deadline passes). Lossless: the default.
    case block
    /// The oldest queued element is dropped to make room; the drop is counted and reported.
    case dropOldest = "drop-oldest"
    /// The new element is dropped; the drop is counted and reported.
    case dropNewest = "drop-newest"
    /// The write fails at once with `BufferError.full`.
    case fail

    public var description: String { rawValue }
}

/// What happened to one element given to `Buffer.write(_:deadline:)`.
public enum WriteOutcome<Element: Sendable>: Sendable {
    /// The element is queued for the reader.
    case enqueued
    /// The element is queued and, to make room, this older element was dropped (`dropOldest`).
    case droppedOldest(Element)
    /// The element itself was dropped because the buffer was full (`dropNewest`).
    case droppedNewest(Element)

    /// The element that was lost, if any.
    public var droppedElement: Element? {
        switch self {
        case .enqueued: return nil
        case .droppedOldest(let element), .droppedNewest(let element): return element
        }
    }
}

/// What happened to a batch given to `Buffer.write(contentsOf:deadline:)`: every element
/// not queued is listed, so that none is lost unseen.
public struct BatchWriteOutcome<Element: Sendable>: Sendable {
    /// Elements dropped to make room (`dropOldest`).
    public internal(set) var droppedOldest: [Element] = []
    /// Elements dropped because the buffer was full (`dropNewest`).
    public internal(set) var droppedNewest: [Element] = []
    /// Elements refused because the buffer was full (`fail`).
    public internal(set) var refused: [Element] = []

    /// Whether every element was queued and none was dropped.
    public var isLossless: Bool { droppedOldest.isEmpty && droppedNewest.isEmpty && refused.isEmpty }
}

/// Why a buffer operation failed.
public enum BufferError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The buffer was closed: the reader drains what is queued, no new element is accepted.
    case closed
    /// The buffer was cancelled: queued elements were dropped and the reader stopped.
    case cancelled
    /// The buffer is full and its policy is `fail`.
    case full(capacity: Int)
    /// A blocked write did not find room before its deadline.
    case timedOut
    /// A second reader tried to read while another was waiting: a buffer has one reader.
    case concurrentReaders

    public var description: String {
        switch self {
        case .closed: return "write to a closed buffer: the reader has stopped accepting input"
        case .cancelled: return "write to a cancelled buffer: the consumer was cancelled"
        case .full(let capacity):
            return "buffer full (capacity \(capacity), policy fail): slow the producer, raise the capacity, or choose block or a drop policy"
        case .timedOut: return "write timed out waiting for room in a full buffer: the consumer is too slow or stuck"
        case .concurrentReaders: return "two readers on one buffer: a buffer has exactly one reader"
        }
    }
}

/// Counters of one buffer, read at any time with `Buffer.statistics`.
public struct BufferStatistics: Sendable, Hashable {
    /// Elements queued since creation.
    public var enqueued = 0
    /// Elements handed to the reader.
    public var delivered = 0
    /// Elements dropped by `dropOldest`, `dropNewest`, or by cancelling the buffer.
    public var dropped = 0
    /// Writes refused by the `fail` policy.
    public var refused = 0
    /// Blocked writes that reached their deadline.
    public var timedOut = 0
    /// Elements queued now.
    public var pending = 0
    /// The most elements ever queued at once.
    public var highWaterMark = 0
    /// Writers waiting for room now.
    public var blockedWriters = 0
}

/// A batch write that stopped part-way: says why, and which elements were not queued.
public struct BufferBatchError<Element: Sendable>: Error, Sendable, CustomStringConvertible {
    /// What stopped the batch: a `BufferError` or `CancellationError`.
    public let reason: any Error
    /// Elements not queued, in order, starting with the one that could not be written.
    public let unwritten: [Element]
    /// What was dropped or refused before the failure.
    public let partial: BatchWriteOutcome<Element>

    public var description: String {
        "\(reason) (\(unwritten.count) element(s) of the batch not written)"
    }
}
