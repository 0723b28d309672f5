import Dispatch
import Foundation
import ManifoldFFI
import Synchronization
import Testing

/// A C library, compiled from source for the test, whose function blocks until a byte arrives
/// on a pipe: a stand-in for `sleep`, a slow read or a lock that the test releases when it
/// chooses, so nothing depends on timing.
///
/// `blocking_read_byte(fd)` reads one byte from `fd` and returns it (or -1); while it waits,
/// `blocking_count()` counts it.
package final class BlockingLibrary: Sendable {
    package static let source = """
        #include <stdatomic.h>
        #include <stdint.h>
        #include <unistd.h>

        static atomic_int blocked;

        int64_t blocking_read_byte(int32_t fd) {
            atomic_fetch_add(&blocked, 1);
            unsigned char byte;
            ssize_t count = read(fd, &byte, 1);
            atomic_fetch_sub(&blocked, 1);
            return count == 1 ? byte : -1;
        }

        int32_t blocking_count(void) { return atomic_load(&blocked); }
        """

    /// The compiled library.
    package let path: String
    /// The pipe's read end, for the blocking calls.
    package let readEnd: Int32
    private let writeEnd: Int32
    private let folder: String
    /// The calls that report how many are blocked, bound once.
    package let count: ForeignFunction
    /// The blocking function.
    package let read: ForeignFunction

    private init(path: String, folder: String, readEnd: Int32, writeEnd: Int32) throws {
        self.path = path
        self.folder = folder
        self.readEnd = readEnd
        self.writeEnd = writeEnd
        count = try ForeignFunction(library: path, symbol: "blocking_count", signature: "int32()")
        read = try ForeignFunction(library: path, symbol: "blocking_read_byte", signature: "int64(int32 fd)")
    }

    /// Compiles the library into a new temporary folder and opens a pipe.
    package static func make() async throws -> BlockingLibrary {
        let folder = NSTemporaryDirectory() + "manifold-blocking-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let sourcePath = folder + "/blocking.c"
        let path = folder + "/libblocking.so"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        let result = try await run("/usr/bin/cc", ["-std=c11", "-shared", "-fPIC", sourcePath, "-o", path])
        try #require(result.status == 0, "C compilation failed:\n\(result.output)")
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0, "pipe() failed")
        return try BlockingLibrary(path: path, folder: folder, readEnd: ends[0], writeEnd: ends[1])
    }

    deinit {
        close(readEnd)
        close(writeEnd)
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// How many calls wait in `blocking_read_byte` now.
    package var blocked: Int { (try? count.call(nil).integerValue).flatMap { Int($0) } ?? -1 }

    /// Releases `bytes.count` blocked calls, each returning one of the bytes.
    package func release(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
    }

    /// A thread that releases `count` calls (with byte 0) after `seconds` unless disarmed
    /// first: if the blocked calls ever starved the test's own tasks, the test fails with its
    /// expectations instead of hanging. Whether it fired is the answer of `disarm()`.
    package func deadman(releasing count: Int, after seconds: Double) -> Deadman {
        Deadman(seconds: seconds) { [self] in release([UInt8](repeating: 0, count: count)) }
    }

    /// Runs a program and returns its status and output; waits on a thread of its own, not
    /// on the concurrency pool.
    private static func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return await withCheckedContinuation { continuation in
            Thread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
            }.start()
        }
    }
}

/// Runs an action on a thread of its own after a delay, unless disarmed before.
package final class Deadman: Sendable {
    private let disarmed = DispatchSemaphore(value: 0)
    private let fired = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    package init(seconds: Double, action: @escaping @Sendable () -> Void) {
        Thread { [self] in
            if disarmed.wait(timeout: .now() + seconds) == .timedOut {
                fired.store(true, ordering: .sequentiallyConsistent)
                action()
            }
            finished.signal()
        }.start()
    }

    /// Stops it if it has not fired; returns whether it had.
    package func disarm() -> Bool {
        disarmed.signal()
        finished.wait()
        return fired.load(ordering: .sequentiallyConsistent)
    }
}

/// Waits, up to `seconds`, until `condition` holds, checking every few milliseconds with
/// `Task.sleep` (so it also needs the concurrency pool's timers to work). Returns whether it held.
package func waitUntil(seconds: Double = 60, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return condition()
}
