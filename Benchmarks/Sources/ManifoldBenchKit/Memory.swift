import Foundation
import CBenchSupport
import Manifold
#if canImport(Glibc)
import Glibc
#endif

/// Memory in use now: the heap (`mallinfo2`, all arenas, mmapped blocks included) and the
/// resident set (`/proc/self/statm`).
public struct MemorySnapshot: Sendable {
    public var heapBytes: Int
    public var residentBytes: Int

    public static func now() -> MemorySnapshot {
        let heap = Int(bench_heap_in_use())
        var resident = 0
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let fields = statm.split(separator: " ")
            if fields.count > 1, let pages = Int(fields[1]) { resident = pages * Int(sysconf(Int32(_SC_PAGESIZE))) }
        }
        return MemorySnapshot(heapBytes: heap, residentBytes: resident)
    }
}

/// Bytes per idle thing: heap and resident growth divided by the count.
public struct PerItemMemory: Sendable {
    public var heapBytes: Double
    public var residentBytes: Double

    public init(heapBytes: Double, residentBytes: Double) {
        self.heapBytes = heapBytes
        self.residentBytes = residentBytes
    }

    /// The growth from `before` to `after`, shared out over `count` things.
    init(growthFrom before: MemorySnapshot, to after: MemorySnapshot, over count: Int) {
        self.init(
            heapBytes: Double(after.heapBytes - before.heapBytes) / Double(count),
            residentBytes: Double(after.residentBytes - before.residentBytes) / Double(count))
    }
}

/// `count` Streamers on one hub, connected and running, each waiting for input that never
/// comes: memory per idle Streamer. Each has its own input topic and publishes to a shared one.
public func idleStreamersMemory(count: Int, settle: Duration = .milliseconds(300)) async throws -> PerItemMemory {
    let hub = Hub()
    let output = try Topic("idle.out")
    let generator = ClosureGenerator(ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { input, context in
        try await context.emit(input)
    }
    let topics = try (0..<count).map { try TopicPattern("idle.in.\($0)") }
    let names = (0..<count).map { "idle-\($0)" }
    let before = MemorySnapshot.now()
    let streamers = (0..<count).map { index in
        Streamer(name: names[index], generator: generator, subscribeTo: [topics[index]], output: output, hub: hub)
    }
    // Connected (subscribed) before any runs, so that `hub.close()` below reaches every one.
    for streamer in streamers { try streamer.connect() }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for streamer in streamers { group.addTask { _ = try await streamer.run() } }
        // One wait for every task to reach its idle suspension point; nothing polls.
        try await Task.sleep(for: settle)
        let after = MemorySnapshot.now()
        hub.close()
        try await group.waitForAll()
        return PerItemMemory(growthFrom: before, to: after, over: count)
    }
}

/// Baseline: `count` tasks each waiting on its own `AsyncStream`, the least an idle consumer costs.
public func idleStreamTasksMemory(count: Int, settle: Duration = .milliseconds(300)) async throws -> PerItemMemory {
    let before = MemorySnapshot.now()
    let streams = (0..<count).map { _ in AsyncStream.makeStream(of: Artifact.self) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for (stream, _) in streams { group.addTask { for await artifact in stream { consume(artifact) } } }
        try await Task.sleep(for: settle)
        let after = MemorySnapshot.now()
        for (_, continuation) in streams { continuation.finish() }
        try await group.waitForAll()
        return PerItemMemory(growthFrom: before, to: after, over: count)
    }
}
