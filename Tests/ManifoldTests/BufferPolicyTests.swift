import Foundation
import Manifold
import Testing

@Suite("Buffer backpressure policies")
struct BufferPolicyTests {
    @Test("dropOldest: each write into a full buffer drops and returns the oldest element")
    func dropOldest() async throws {
        let buffer = Buffer<Int>(capacity: 3, policy: .dropOldest)
        var outcomes: [String] = []
        for value in 0..<6 { outcomes.append(outcomeText(try await buffer.write(value))) }
        #expect(outcomes == ["enqueued", "enqueued", "enqueued", "droppedOldest(0)", "droppedOldest(1)", "droppedOldest(2)"])
        let statistics = buffer.statistics
        #expect(statistics.enqueued == 6)
        #expect(statistics.dropped == 3)
        #expect(statistics.pending == 3)
        #expect(statistics.highWaterMark == 3)
        #expect(statistics.refused == 0)
        buffer.close()
        #expect(try await drain(buffer) == [3, 4, 5])
    }

    @Test("dropNewest: each write into a full buffer drops and returns the new element")
    func dropNewest() async throws {
        let buffer = Buffer<Int>(capacity: 3, policy: .dropNewest)
        var outcomes: [String] = []
        for value in 0..<6 { outcomes.append(outcomeText(try await buffer.write(value))) }
        #expect(outcomes == ["enqueued", "enqueued", "enqueued", "droppedNewest(3)", "droppedNewest(4)", "droppedNewest(5)"])
        let statistics = buffer.statistics
        #expect(statistics.enqueued == 3)
        #expect(statistics.dropped == 3)
        #expect(statistics.pending == 3)
        buffer.close()
        #expect(try await drain(buffer) == [0, 1, 2])
    }

    @Test("fail: a write into a full buffer throws BufferError.full(capacity:) and is counted as refused")
    func fail() async throws {
        let buffer = Buffer<Int>(capacity: 2, policy: .fail)
        try await buffer.write(0)
        try await buffer.write(1)
        let error = await #expect(throws: BufferError.full(capacity: 2)) { try await buffer.write(2) }
        expectDescription(error, contains: "buffer full (capacity 2, policy fail)", "raise the capacity")
        let statistics = buffer.statistics
        #expect(statistics.refused == 1)
        #expect(statistics.dropped == 0)
        #expect(statistics.enqueued == 2)
        buffer.close()
        #expect(try await drain(buffer) == [0, 1])
    }

    @Test("policies spell themselves as in manifests")
    func policyNames() throws {
        #expect(BackpressurePolicy.allCases.map(\.description) == ["block", "drop-oldest", "drop-newest", "fail"])
        #expect(try JSONDecoder().decode(BackpressurePolicy.self, from: Data(#""drop-oldest""#.utf8)) == .dropOldest)
    }

    @Test("write(contentsOf:) reports every element not queued, by policy", arguments: [
        BackpressurePolicy.dropOldest, .dropNewest, .fail,
    ])
    func batchOutcomes(_ policy: BackpressurePolicy) async throws {
        let buffer = Buffer<Int>(capacity: 3, policy: policy)
        let outcome = try await buffer.write(contentsOf: 0..<6)
        #expect(!outcome.isLossless)
        buffer.close()
        let queued = try await drain(buffer)
        let statistics = buffer.statistics
        switch policy {
        case .dropOldest:
            #expect(outcome.droppedOldest == [0, 1, 2])
            #expect(outcome.droppedNewest.isEmpty && outcome.refused.isEmpty)
            #expect(queued == [3, 4, 5])
            #expect(statistics.dropped == 3)
        case .dropNewest:
            #expect(outcome.droppedNewest == [3, 4, 5])
            #expect(outcome.droppedOldest.isEmpty && outcome.refused.isEmpty)
            #expect(queued == [0, 1, 2])
            #expect(statistics.dropped == 3)
        case .fail:
            #expect(outcome.refused == [3, 4, 5])
            #expect(outcome.droppedOldest.isEmpty && outcome.droppedNewest.isEmpty)
            #expect(queued == [0, 1, 2])
            #expect(statistics.refused == 3 && statistics.dropped == 0)
        case .block:
            Issue.record("not a dropping policy")
        }
    }

    @Test("write(contentsOf:) under block waits for room, element by element, losing nothing")
    func batchBlocks() async throws {
        let buffer = Buffer<Int>(capacity: 3, policy: .block)
        let reader = Task { try await drain(buffer) }
        let outcome = try await withDeadline { try await buffer.write(contentsOf: 0..<20) }
        #expect(outcome.isLossless)
        buffer.close()
        #expect(try await withDeadline { try await reader.value } == Array(0..<20))
    }

    @Test("write(contentsOf:) lists the unwritten elements when the buffer closes mid-batch")
    func batchInterruptedByClose() async throws {
        let buffer = Buffer<Int>(capacity: 2, policy: .block)
        let aboutToWrite = Gate()
        let writer = Task { () -> BufferBatchError<Int>? in
            aboutToWrite.open()
            do throws(BufferBatchError<Int>) {
                try await buffer.write(contentsOf: [0, 1, 2, 3, 4])
                return nil
            } catch {
                return error
            }
        }
        try await aboutToWrite.wait()
        #expect(await Gate().opens(within: 0.05) == false)
        #expect(buffer.statistics.blockedWriters == 1)
        #expect(buffer.statistics.pending == 2)
        buffer.close()
        let interrupted = try await withDeadline { await writer.value }
        let error = try #require(interrupted)
        #expect(error.unwritten == [2, 3, 4])
        #expect(error.reason as? BufferError == .closed)
        #expect(error.partial.isLossless)
        expectDescription(error, contains: "write to a closed buffer", "(3 element(s) of the batch not written)")
        #expect(try await drain(buffer) == [0, 1])
    }

    @Test("write(contentsOf:) into a closed or cancelled buffer returns every element as unwritten")
    func batchIntoEndedBuffer() async throws {
        for end in ["close", "cancel"] {
            let buffer = Buffer<Int>(capacity: 4, policy: .dropNewest)
            if end == "close" { buffer.close() } else { buffer.cancel() }
            do {
                try await buffer.write(contentsOf: [7, 8, 9])
                Issue.record("a write into a \(end)d buffer succeeded")
            } catch {
                #expect(error.unwritten == [7, 8, 9])
                #expect(error.reason as? BufferError == (end == "close" ? .closed : .cancelled))
            }
            #expect(buffer.statistics.enqueued == 0)
        }
    }

    @Test("write(contentsOf:) under block with a deadline times out and lists the rest")
    func batchDeadline() async throws {
        let buffer = Buffer<Int>(capacity: 2, policy: .block)
        do {
            try await buffer.write(contentsOf: [0, 1, 2, 3], deadline: .now + .milliseconds(30))
            Issue.record("the batch did not time out")
        } catch {
            #expect(error.unwritten == [2, 3])
            #expect(error.reason as? BufferError == .timedOut)
        }
        #expect(buffer.statistics.timedOut == 1)
        #expect(buffer.statistics.blockedWriters == 0)
        #expect(buffer.statistics.pending == 2)
    }

    @Test("offer() queues only without waiting and never counts a refusal as a drop")
    func offer() async throws {
        let block = Buffer<Int>(capacity: 1, policy: .block)
        #expect(outcomeText(block.offer(1)) == "enqueued")
        #expect(outcomeText(block.offer(2)) == "nil")
        #expect(block.statistics.dropped == 0 && block.statistics.refused == 0 && block.statistics.enqueued == 1)

        let oldest = Buffer<Int>(capacity: 1, policy: .dropOldest)
        _ = oldest.offer(1)
        #expect(outcomeText(oldest.offer(2)) == "droppedOldest(1)")
        #expect(oldest.statistics.dropped == 1)

        for policy in [BackpressurePolicy.dropNewest, .fail] {
            let buffer = Buffer<Int>(capacity: 1, policy: policy)
            _ = buffer.offer(1)
            #expect(outcomeText(buffer.offer(2)) == "nil", "\(policy)")
            #expect(buffer.statistics.dropped == 0 && buffer.statistics.refused == 0)
        }

        block.close()
        #expect(try await drain(block) == [1])
        #expect(outcomeText(block.offer(3)) == "nil")
    }

    @Test("offer() wakes a waiting reader")
    func offerWakesReader() async throws {
        let buffer = Buffer<Int>(capacity: 2)
        let reader = Task { try await buffer.nextBatch().map(Array.init) }
        #expect(await Gate().opens(within: 0.02) == false)
        #expect(outcomeText(buffer.offer(5)) == "enqueued")
        #expect(try await withDeadline { try await reader.value } == [5])
    }
}
