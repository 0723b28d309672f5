import Foundation
import ManifoldFFITestSupport
import Manifold
import ManifoldJSON
import ManifoldToolsKit
import ManifoldPluginTestSupport
import Testing

/// A tool whose C function blocks holds a thread of the node's own, never one of the
/// runtime's: other tools answer and timers fire meanwhile.
@Suite("tools: blocking C functions")
struct ToolsBlockingTests {
    /// At least as many blocked calls as the concurrency pool has threads (two on two cores).
    static let blockers = max(2, ProcessInfo.processInfo.activeProcessorCount)

    static func tools(_ library: BlockingLibrary, threads: Int, queue: Int? = nil, logs: LogRecorder) throws -> ToolsPlugin {
        try ToolsPlugin(
            configuration: ToolsConfiguration(
                tools: [
                    ToolSpec(name: "wait_byte", library: library.path, symbol: "blocking_read_byte", signature: "int64(int32 fd)"),
                    ToolSpec(name: "pow", library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)"),
                ],
                threads: threads, maxQueuedCalls: queue),
            log: logs.log)
    }

    static func waitCall(_ library: BlockingLibrary, id: String) -> Artifact {
        ToolsTests.call("wait_byte", ["fd": .integer(Int64(library.readEnd))], id: id)
    }

    @Test("blocking calls plus pow: pow's result arrives before they finish, and a Task.sleep timer fires while they block")
    func powAnswersWhileOthersBlock() async throws {
        let library = try await BlockingLibrary.make()
        let logs = LogRecorder()
        let tools = try Self.tools(library, threads: Self.blockers + 1, logs: logs)
        let deadman = library.deadman(releasing: Self.blockers, after: 120)
        let out = Recorder()

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<Self.blockers {
                let call = Self.waitCall(library, id: "wait\(index)")
                group.addTask { try await tools.process(call, context: out.context(for: call)) }
            }
            #expect(await waitUntil { library.blocked == Self.blockers }, "the blocking calls never all started")

            let start = ContinuousClock.now
            try await Task.sleep(for: .milliseconds(20))
            #expect(ContinuousClock.now - start >= .milliseconds(20))

            let pow = try await ToolsTests.result(of: ToolsTests.call("pow", ["x": 2, "y": 10], id: "pow"), with: tools)
            #expect(pow["result"]?.doubleValue == 1024)
            #expect(library.blocked == Self.blockers, "pow answered while every blocking call still blocked")
            #expect(out.of(.toolResult).isEmpty)

            library.release((0..<Self.blockers).map { _ in 42 })
            try await group.waitForAll()
        }
        #expect(!deadman.disarm(), "the deadman had to release the calls: they starved the runtime")
        let results = out.of(.toolResult).map(json)
        #expect(results.count == Self.blockers)
        #expect(results.allSatisfy { $0["result"] == 42 && $0["isError"] == false })
        await tools.shutdown()
        #expect(logs.text.contains("tools: \(Self.blockers + 1) calls, 0 answered with an error"), "\(logs.text)")
        #expect(logs.text.contains("\(Self.blockers + 1) C calls on \(Self.blockers + 1) threads: 0 waited for a free thread"), "\(logs.text)")
    }

    @Test("with every thread busy a call waits; past maxQueuedCalls it gets an error result; the shutdown report counts both")
    func busyThreadsQueueThenRefuse() async throws {
        let library = try await BlockingLibrary.make()
        let logs = LogRecorder()
        let tools = try Self.tools(library, threads: 1, queue: 1, logs: logs)
        let deadman = library.deadman(releasing: 1, after: 120)
        let out = Recorder()

        let blocking = Self.waitCall(library, id: "w")
        async let blocked: Void = tools.process(blocking, context: out.context(for: blocking))
        #expect(await waitUntil { library.blocked == 1 })
        let waiting = ToolsTests.call("pow", ["x": 2, "y": 3], id: "queued")
        async let queued: Void = tools.process(waiting, context: out.context(for: waiting))
        #expect(await waitUntil { tools.callStatistics.waiting == 1 })

        let refused = try await ToolsTests.result(of: ToolsTests.call("pow", ["x": 1, "y": 1], id: "refused"), with: tools)
        #expect(refused["isError"] == true)
        #expect(
            refused["content"]?.stringValue
                == "tool 'pow' was not run: all 1 thread for C calls are busy and 1 call already waits for one; try again once earlier calls have finished")

        library.release([1])
        try await blocked
        try await queued
        #expect(!deadman.disarm())
        let byID = Dictionary(uniqueKeysWithValues: out.of(.toolResult).map(json).map { ($0["id"]?.stringValue ?? "", $0) })
        #expect(byID["w"]?["result"] == 1)
        #expect(byID["queued"]?["result"]?.doubleValue == 8)
        await tools.shutdown()
        #expect(logs.text.contains("3 calls, 1 answered with an error"), "\(logs.text)")
        #expect(logs.text.contains("2 C calls on 1 thread: 1 waited for a free thread (at most 1 at once), 1 refused"), "\(logs.text)")
    }

    @Test("a call cancelled while its C function blocks ends the input at once; the function finishes later and is reported as abandoned")
    func cancelledWhileBlocked() async throws {
        let library = try await BlockingLibrary.make()
        let logs = LogRecorder()
        let tools = try Self.tools(library, threads: 1, logs: logs)
        let deadman = library.deadman(releasing: 1, after: 120)
        let out = Recorder()

        let call = Self.waitCall(library, id: "w")
        let work = Task { try await tools.process(call, context: out.context(for: call)) }
        #expect(await waitUntil { library.blocked == 1 })
        work.cancel()
        await #expect(throws: CancellationError.self) { try await work.value }
        #expect(out.all.isEmpty, "a cancelled call emits no result")

        library.release([3])
        #expect(await waitUntil { tools.callStatistics.completed == 1 })
        #expect(!deadman.disarm())
        await tools.shutdown()
        #expect(logs.text.contains("1 abandoned while running"), "\(logs.text)")
    }

    @Test("threads and maxQueuedCalls out of range are refused at create, naming the key and the range")
    func limitsAreChecked() {
        let pow = ToolSpec(name: "pow", library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
        expectError(containing: ["config.threads is 0", "1 to 64"]) {
            _ = try ToolsPlugin(configuration: ToolsConfiguration(tools: [pow], threads: 0))
        }
        expectError(containing: ["config.maxQueuedCalls is -1", "0 to 100000"]) {
            _ = try ToolsPlugin(configuration: ToolsConfiguration(tools: [pow], maxQueuedCalls: -1))
        }
    }
}
