import Foundation
import Manifold
import Testing

/// A compact, comparable spelling of a write outcome.
func outcomeText<Element>(_ outcome: WriteOutcome<Element>?) -> String {
    switch outcome {
    case nil: return "nil"
    case .enqueued?: return "enqueued"
    case .droppedOldest(let element)?: return "droppedOldest(\(element))"
    case .droppedNewest(let element)?: return "droppedNewest(\(element))"
    }
}

/// Reads everything until the buffer ends (it must be closed or cancelled).
func drain<Element: Sendable>(_ buffer: Buffer<Element>) async throws -> [Element] {
    var elements: [Element] = []
    for try await element in buffer { elements.append(element) }
    return elements
}

@Suite("Buffer")
struct BufferTests {
    @Test("elements come out in the order they went in, with exact statistics")
    func fifo() async throws {
        let buffer = Buffer<Int>(capacity: 8)
        for value in [5, 3, 9, 1, 7] { try await buffer.write(value) }
        #expect(buffer.statistics.pending == 5)
        buffer.close()
        #expect(try await drain(buffer) == [5, 3, 9, 1, 7])
        let statistics = buffer.statistics
        #expect(statistics.enqueued == 5)
        #expect(statistics.delivered == 5)
        #expect(statistics.pending == 0)
        #expect(statistics.highWaterMark == 5)
        #expect(statistics.dropped == 0 && statistics.refused == 0 && statistics.timedOut == 0)
    }

    @Test("iteration waits for data and ends after close() once everything queued is read")
    func iterationEndsAfterClose() async throws {
        let buffer = Buffer<Int>(capacity: 4)
        let reader = Task { try await drain(buffer) }
        try await buffer.write(1)
        try await buffer.write(2)
        #expect(buffer.isOpen)
        buffer.close()
        buffer.close()  // twice is harmless
        #expect(!buffer.isOpen)
        let read = try await withDeadline(seconds: 30, "the reader") { try await reader.value }
        #expect(read == [1, 2])
    }

    @Test("a write after close() fails with BufferError.closed")
    func writeAfterClose() async throws {
        let buffer = Buffer<Int>(capacity: 2)
        buffer.close()
        let error = await #expect(throws: BufferError.closed) { try await buffer.write(1) }
        expectDescription(error, contains: "write to a closed buffer")
        #expect(buffer.offer(1) == nil)
        #expect(buffer.statistics.enqueued == 0)
    }

    @Test("cancel() drops and returns what is queued, counts it, ends the reader, and fails later writes")
    func cancel() async throws {
        let buffer = Buffer<String>(capacity: 4)
        for value in ["a", "b", "c"] { try await buffer.write(value) }
        #expect(buffer.cancel() == ["a", "b", "c"])
        #expect(buffer.cancel() == [])
        #expect(buffer.statistics.dropped == 3)
        #expect(buffer.statistics.pending == 0)
        let error = await #expect(throws: BufferError.cancelled) { try await buffer.write("d") }
        expectDescription(error, contains: "write to a cancelled buffer")
        buffer.close()  // harmless after cancel
        #expect(try await drain(buffer) == [])
        #expect(buffer.statistics.delivered == 0)
    }

    @Test("block: a writer waits while the buffer is full and proceeds once the reader takes")
    func blockedWriterProceedsAfterRead() async throws {
        let buffer = Buffer<Int>(capacity: 1)
        try await buffer.write(0)
        let log = Recorder<String>()
        let aboutToWrite = Gate()
        let written = Gate()
        let writer = Task {
            aboutToWrite.open()
            try await buffer.write(1)
            log.append("writer resumed")
            written.open()
        }
        try await aboutToWrite.wait()
        #expect(await written.opens(within: 0.1) == false, "the write must wait while the buffer is full")
        #expect(buffer.statistics.blockedWriters == 1)
        #expect(buffer.statistics.pending == 1)

        var reader = buffer.makeAsyncIterator()
        log.append("reader takes")
        #expect(try await reader.next() == 0)
        try await withDeadline(seconds: 30, "the blocked writer") { try await written.wait() }
        try await writer.value
        #expect(log.values == ["reader takes", "writer resumed"])
        #expect(try await reader.next() == 1)
        #expect(buffer.statistics.blockedWriters == 0)
        #expect(buffer.statistics.enqueued == 2)
    }

    @Test("a blocked write with a deadline throws timedOut, is counted, and is not enqueued")
    func deadline() async throws {
        let buffer = Buffer<Int>(capacity: 1)
        try await buffer.write(0)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: BufferError.timedOut) {
            try await buffer.write(1, deadline: start + .milliseconds(50))
        }
        #expect(clock.now - start >= .milliseconds(50))
        expectDescription(error, contains: "timed out waiting for room")
        let statistics = buffer.statistics
        #expect(statistics.timedOut == 1)
        #expect(statistics.blockedWriters == 0)
        #expect(statistics.enqueued == 1)
        buffer.close()
        #expect(try await drain(buffer) == [0])
    }

    @Test("a write with a deadline that finds room in time succeeds")
    func deadlineMet() async throws {
        let buffer = Buffer<Int>(capacity: 1)
        try await buffer.write(0)
        let aboutToWrite = Gate()
        let writer = Task {
            aboutToWrite.open()
            return try await buffer.write(1, deadline: .now + .seconds(30))
        }
        try await aboutToWrite.wait()
        var reader = buffer.makeAsyncIterator()
        #expect(try await reader.next() == 0)
        let outcome = try await withDeadline { try await writer.value }
        #expect(outcomeText(outcome) == "enqueued")
        #expect(try await reader.next() == 1)
        #expect(buffer.statistics.timedOut == 0)
    }

    @Test("a blocked writer is resumed with BufferError.closed when the buffer closes")
    func blockedWriterSeesClose() async throws {
        let buffer = Buffer<Int>(capacity: 1)
        try await buffer.write(0)
        let aboutToWrite = Gate()
        let writer = Task {
            aboutToWrite.open()
            try await buffer.write(1)
        }
        try await aboutToWrite.wait()
        #expect(await Gate().opens(within: 0.05) == false)  // give the writer time to block
        #expect(buffer.statistics.blockedWriters == 1)
        buffer.close()
        let result = try await withDeadline { await writer.result }
        #expect(throws: BufferError.closed) { try result.get() }
        #expect(buffer.statistics.blockedWriters == 0)
        #expect(try await drain(buffer) == [0])
    }

    @Test("a blocked writer is resumed with BufferError.cancelled when the buffer is cancelled")
    func blockedWriterSeesCancel() async throws {
        let buffer = Buffer<Int>(capacity: 1)
        try await buffer.write(0)
        let aboutToWrite = Gate()
        let writer = Task {
            aboutToWrite.open()
            try await buffer.write(1)
        }
        try await aboutToWrite.wait()
        #expect(await Gate().opens(within: 0.05) == false)
        #expect(buffer.statistics.blockedWriters == 1)
        #expect(buffer.cancel() == [0])
        let result = try await withDeadline { await writer.result }
        #expect(throws: BufferError.cancelled) { try result.get() }
        #expect(buffer.statistics.blockedWriters == 0)
    }

    @Test("cancelling a blocked writer's task throws CancellationError and leaves no blocked writer")
    func cancelBlockedWriterTask() async throws {
        let buffer = Buffer<Int>(capacity: 1)
        try await buffer.write(0)
        let aboutToWrite = Gate()
        let writer = Task {
            aboutToWrite.open()
            try await buffer.write(1)
        }
        try await aboutToWrite.wait()
        #expect(await Gate().opens(within: 0.05) == false)
        #expect(buffer.statistics.blockedWriters == 1)
        writer.cancel()
        let result = try await withDeadline { await writer.result }
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(buffer.statistics.blockedWriters == 0)
        buffer.close()
        #expect(try await drain(buffer) == [0], "the cancelled write must not be enqueued")
    }

    @Test("cancelling the reader's task ends its wait with CancellationError; a new reader can then read")
    func readerCancellation() async throws {
        let buffer = Buffer<Int>(capacity: 2)
        let reader = Task { try await buffer.nextBatch() }
        reader.cancel()
        let result = try await withDeadline { await reader.result }
        #expect(throws: CancellationError.self) { try result.get() }

        try await buffer.write(42)
        let batch = try await withDeadline { try await buffer.nextBatch() }
        #expect(batch.map(Array.init) == [42])
    }

    @Test("a second concurrent reader fails with BufferError.concurrentReaders")
    func concurrentReaders() async throws {
        let buffer = Buffer<Int>(capacity: 2)
        let outcomes = try await withDeadline {
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        do {
                            return try await buffer.nextBatch() == nil ? "ended" : "read"
                        } catch let error as BufferError {
                            return "\(error)"
                        }
                    }
                }
                // One of the two is refused at once; the other waits until the close.
                let first = try await group.next()
                buffer.close()
                let second = try await group.next()
                return [first, second].compactMap { $0 }
            }
        }
        #expect(outcomes == [BufferError.concurrentReaders.description, "ended"])
        expectDescription(BufferError.concurrentReaders, contains: "a buffer has exactly one reader")
    }

    @Test("nextBatch(limit:) takes at most limit elements at once")
    func batchLimit() async throws {
        let buffer = Buffer<Int>(capacity: 10)
        for value in 0..<5 { try await buffer.write(value) }
        #expect(try await buffer.nextBatch(limit: 2).map(Array.init) == [0, 1])
        #expect(try await buffer.nextBatch().map(Array.init) == [2, 3, 4])
        #expect(buffer.statistics.delivered == 5)
    }

    struct Item: Sendable {
        let writer: Int
        let sequence: Int
    }

    @Test("block: 16 writers × 1000 into a capacity-4 buffer lose nothing and keep each writer's order")
    func manyWriters() async throws {
        let writers = 16
        let perWriter = 1000
        let buffer = Buffer<Item>(capacity: 4, policy: .block)
        let received = try await withDeadline(seconds: 30, "16 × 1000 writes") {
            try await withThrowingTaskGroup(of: [Item].self) { group in
                group.addTask { try await drain(buffer) }
                try await withThrowingTaskGroup(of: Void.self) { writersGroup in
                    for writer in 0..<writers {
                        writersGroup.addTask {
                            for sequence in 0..<perWriter {
                                let outcome = try await buffer.write(Item(writer: writer, sequence: sequence))
                                guard case .enqueued = outcome else {
                                    Issue.record("block policy dropped an element: \(outcomeText(outcome))")
                                    return
                                }
                            }
                        }
                    }
                    try await writersGroup.waitForAll()
                }
                buffer.close()
                return try await group.next() ?? []
            }
        }
        #expect(received.count == writers * perWriter)
        var next = [Int](repeating: 0, count: writers)
        var outOfOrder = 0
        for item in received {
            if item.sequence != next[item.writer] { outOfOrder += 1 }
            next[item.writer] = item.sequence + 1
        }
        #expect(outOfOrder == 0)
        #expect(next == [Int](repeating: perWriter, count: writers))
        let statistics = buffer.statistics
        #expect(statistics.enqueued == writers * perWriter)
        #expect(statistics.delivered == writers * perWriter)
        #expect(statistics.dropped == 0 && statistics.blockedWriters == 0 && statistics.pending == 0)
        #expect(statistics.highWaterMark <= 4)
    }
}
