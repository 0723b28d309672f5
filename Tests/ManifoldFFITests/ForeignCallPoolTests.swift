import Foundation
import ManifoldFFITestSupport
import ManifoldFFI
import ManifoldJSON
import Testing

/// Foreign calls run on threads of their own: C functions that block never hold a thread of
/// the Swift concurrency pool. Each test blocks calls on a pipe and releases them itself, so
/// nothing depends on how fast the machine is.
@Suite("Foreign call pool")
struct ForeignCallPoolTests {
    /// At least as many blocked calls as the concurrency pool has threads: run on the pool, they
    /// would stop every task (this test's own included) until the deadman released them.
    static let blockers = max(2, ProcessInfo.processInfo.activeProcessorCount)

    @Test("blocked C calls leave the concurrency pool free: a timer fires and pow answers while they block")
    func blockedCallsDoNotStarveTheRuntime() async throws {
        let library = try await BlockingLibrary.make()
        let pow = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
        let pool = ForeignCallPool(threads: Self.blockers + 1)
        let deadman = library.deadman(releasing: Self.blockers, after: 120)

        try await withThrowingTaskGroup(of: JSONValue.self) { group in
            for _ in 0..<Self.blockers {
                group.addTask { try await library.read.call(["fd": .integer(Int64(library.readEnd))], on: pool) }
            }
            #expect(await waitUntil { library.blocked == Self.blockers }, "the blocking calls never all started")

            // A timer on the concurrency pool fires while every blocking call still blocks.
            let start = ContinuousClock.now
            try await Task.sleep(for: .milliseconds(20))
            #expect(ContinuousClock.now - start >= .milliseconds(20))
            #expect(library.blocked == Self.blockers)

            // An unrelated call answers before any blocking call has finished.
            #expect(try await pow.call(["x": 2, "y": 10], on: pool) == .number(1024))
            #expect(library.blocked == Self.blockers)
            #expect(pool.statistics.running == Self.blockers)

            library.release((0..<Self.blockers).map { UInt8(65 + $0) })
            var bytes: [JSONValue] = []
            for try await byte in group { bytes.append(byte) }
            #expect(Set(bytes) == Set((0..<Self.blockers).map { JSONValue.integer(Int64(65 + $0)) }))
        }
        #expect(!deadman.disarm(), "the blocked calls had to be released by the deadman: they starved the test's tasks")
        let statistics = pool.statistics
        #expect(statistics.calls == Self.blockers + 1)
        #expect(statistics.completed == Self.blockers + 1)
        #expect(statistics.waited == 0)
        #expect(statistics.running == 0 && statistics.waiting == 0)
    }

    @Test("with every thread busy, calls wait in the queue, are counted, and run when a thread frees")
    func busyThreadsQueueAndCount() async throws {
        let library = try await BlockingLibrary.make()
        let pow = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
        let pool = ForeignCallPool(threads: 1, queueLimit: 1)
        let deadman = library.deadman(releasing: 1, after: 120)

        async let blocked = library.read.call(["fd": .integer(Int64(library.readEnd))], on: pool)
        #expect(await waitUntil { library.blocked == 1 })
        async let queued = pow.call(["x": 3, "y": 2], on: pool)
        #expect(await waitUntil { pool.statistics.waiting == 1 })

        // The queue is full: one more call is refused at once, with the limits in the message.
        let refusal = await #expect(throws: ForeignCallError.self) { _ = try await pow.call(["x": 1, "y": 1], on: pool) }
        #expect(refusal == .callRefused(function: "pow", reason: "all 1 thread for C calls are busy and 1 call already waits for one"))
        #expect(refusal?.description.hasPrefix("tool 'pow' was not run: all 1 thread") == true)

        library.release([7])
        #expect(try await blocked == .integer(7))
        #expect(try await queued == .number(9))
        #expect(!deadman.disarm())
        let statistics = pool.statistics
        #expect(statistics.calls == 2)
        #expect(statistics.waited == 1)
        #expect(statistics.mostWaiting == 1)
        #expect(statistics.rejected == 1)
        #expect(statistics.threadsStarted == 1)
        #expect("\(statistics)".contains("1 waited for a free thread (at most 1 at once), 1 refused"))
    }

    @Test("a caller cancelled while its call waits is resumed at once, and the call never runs")
    func cancelledWhileWaiting() async throws {
        let library = try await BlockingLibrary.make()
        let pool = ForeignCallPool(threads: 1)
        let deadman = library.deadman(releasing: 2, after: 120)
        let fd: JSONValue = ["fd": .integer(Int64(library.readEnd))]

        let first = Task { try await library.read.call(fd, on: pool) }
        #expect(await waitUntil { library.blocked == 1 })
        let second = Task { try await library.read.call(fd, on: pool) }
        #expect(await waitUntil { pool.statistics.waiting == 1 })
        second.cancel()
        await #expect(throws: CancellationError.self) { try await second.value }
        #expect(pool.statistics.cancelledWhileWaiting == 1)
        #expect(pool.statistics.waiting == 0)

        library.release([1])
        #expect(try await first.value == .integer(1))
        // The cancelled call never read from the pipe: a byte written now is still there.
        library.release([2])
        #expect(try await library.read.call(fd, on: pool) == .integer(2))
        #expect(!deadman.disarm())
        #expect(pool.statistics.completed == 2)
    }

    @Test("a caller cancelled while its C function runs is resumed at once; the call ends on its thread and is counted as abandoned")
    func cancelledWhileRunning() async throws {
        let library = try await BlockingLibrary.make()
        let pool = ForeignCallPool(threads: 1)
        let deadman = library.deadman(releasing: 1, after: 120)

        let call = Task { try await library.read.call(["fd": .integer(Int64(library.readEnd))], on: pool) }
        #expect(await waitUntil { library.blocked == 1 })
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(library.blocked == 1, "C cannot be interrupted: the function still blocks")
        #expect(pool.statistics.running == 1)

        library.release([9])
        #expect(await waitUntil { pool.statistics.completed == 1 })
        #expect(pool.statistics.abandoned == 1)
        #expect(!deadman.disarm())
    }

    @Test("after shutdown new calls are refused; calls already accepted still finish")
    func shutdownRefusesNewCalls() async throws {
        let library = try await BlockingLibrary.make()
        let pow = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
        let pool = ForeignCallPool(threads: 2)
        let deadman = library.deadman(releasing: 1, after: 120)

        async let running = library.read.call(["fd": .integer(Int64(library.readEnd))], on: pool)
        #expect(await waitUntil { library.blocked == 1 })
        pool.shutdown()
        let refusal = await #expect(throws: ForeignCallError.self) { _ = try await pow.call(["x": 2, "y": 2], on: pool) }
        #expect(
            refusal?.description
                == "tool 'pow' was not run: the threads for C calls have been shut down; try again once earlier calls have finished")
        library.release([5])
        #expect(try await running == .integer(5))
        #expect(!deadman.disarm())
        #expect(pool.statistics.rejected == 1)
    }

    @Test("bad arguments fail before the call takes a thread")
    func argumentErrorsTakeNoThread() async throws {
        let pow = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
        let pool = ForeignCallPool(threads: 1)
        let error = await #expect(throws: ForeignCallError.self) { _ = try await pow.call(["x": "two", "y": 1], on: pool) }
        #expect(error == .wrongArgumentType(function: "pow", parameter: "x", type: .double, received: "string \"two\""))
        #expect(pool.statistics.calls == 0)
        #expect(pool.statistics.threadsStarted == 0)
    }

    @Test("many concurrent calls all answer, on no more threads than the limit")
    func manyCallsStayWithinTheThreadLimit() async throws {
        let pow = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
        let pool = ForeignCallPool(threads: 3, queueLimit: 1000)
        let results = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for n in 0..<500 {
                group.addTask { (n, try await pow.call(["x": 2, "y": .integer(Int64(n % 30))], on: pool)) }
            }
            var all: [(Int, JSONValue)] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 500)
        #expect(results.allSatisfy { $0.1 == .number(Double(1 << ($0.0 % 30))) })
        #expect(pool.statistics.threadsStarted <= 3)
        #expect(pool.statistics.completed == 500)
        #expect(pool.statistics.rejected == 0)
    }
}
