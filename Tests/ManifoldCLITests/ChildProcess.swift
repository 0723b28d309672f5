import Foundation
import Synchronization

/// A child process with its standard streams on pipes, waited for without blocking a
/// thread of the Swift concurrency pool, and killed if it outlives its time limit.
final class ChildProcess: Sendable {
    /// What the child printed and how it ended.
    struct Finished: Sendable {
        let status: Int32
        let terminationReason: Process.TerminationReason
        let stdout: String
        /// Standard output's bytes as written, for outputs that are no text.
        let stdoutBytes: Data
        let stderr: String
        /// The child outlived the time limit and was killed.
        let timedOut: Bool
    }

    /// The child's standard input, unless another was given; close its writing end to send end-of-file.
    let input = Pipe()
    /// The child's standard output.
    let output = Pipe()
    /// The child's standard error.
    let error = Pipe()
    private let process: Process

    var processIdentifier: Int32 { process.processIdentifier }

    /// Starts `executable` in `directory` with the test process's environment plus `environment`,
    /// reading `standardInput` if given (another process's output, say) instead of `input`,
    /// once one of the `ChildProcessSlots` is free; the slot is freed when the child exits.
    ///
    /// - Parameter takesSlot: `false` for a child that waits more than it works (a worker
    ///   serving a run another child coordinates): it must not hold a slot that child needs.
    static func launch(
        executable: String, arguments: [String], directory: String, environment: [String: String] = [:],
        standardInput: Pipe? = nil, takesSlot: Bool = true
    ) async throws -> ChildProcess {
        if takesSlot { await ChildProcessSlots.shared.acquire() }
        do {
            return try ChildProcess(
                executable: executable, arguments: arguments, directory: directory, environment: environment,
                standardInput: standardInput, takesSlot: takesSlot)
        } catch {
            if takesSlot { ChildProcessSlots.shared.release() }
            throw error
        }
    }

    private init(
        executable: String, arguments: [String], directory: String, environment: [String: String],
        standardInput: Pipe?, takesSlot: Bool
    ) throws {
        let process = Process()
        // At a lower priority than the test process (nice runs the program in its own place,
        // same process id): a child busy on all cores must not starve the suites that time
        // their own work.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
        process.arguments = ["-n", "10", executable] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        // A plugin registry of the test process's own: no test writes to the user's cache.
        let registry = ["MANIFOLD_PLUGIN_REGISTRY": NSTemporaryDirectory() + "manifold-test-registry-\(getpid()).json"]
        process.environment = ProcessInfo.processInfo.environment.merging(registry) { _, new in new }.merging(environment) { _, new in new }
        process.standardInput = standardInput ?? input
        process.standardOutput = output
        process.standardError = error
        self.process = process
        if takesSlot { process.terminationHandler = { _ in ChildProcessSlots.shared.release() } }
        try process.run()
    }

    /// Kills the child and every process of its group. A child that crashed hands its
    /// backtrace to `swift-backtrace`, which it starts in its own group and which holds its
    /// standard output and error open: killing the child alone would leave them open, and
    /// the test waiting for their end long after its time limit.
    static func killGroup(_ pid: Int32) {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
    }

    /// Reads what is left of both streams until the child exits, then its status. A child
    /// still running after `timeLimit` is killed with SIGKILL.
    func collect(timeLimit: Duration, alreadyRead: Data = Data(), alreadyReadError: Data = Data()) async -> Finished {
        let timedOut = Flag()
        let pid = process.processIdentifier
        let watchdog = Task.detached {
            try? await Task.sleep(for: timeLimit)
            guard !Task.isCancelled else { return }
            timedOut.set()
            Self.killGroup(pid)
        }
        defer { watchdog.cancel() }
        return await withCheckedContinuation { continuation in
            // Both pipes are drained at once so a full pipe never blocks the child.
            let thread = Thread { [self] in
                let errorData = ReadOnce()
                let errorRead = DispatchSemaphore(value: 0)
                let errorReader = Thread { [error] in
                    errorData.set(alreadyReadError + error.fileHandleForReading.readDataToEndOfFile())
                    errorRead.signal()
                }
                errorReader.start()
                let outData = alreadyRead + output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                errorRead.wait()
                continuation.resume(returning: Finished(
                    status: process.terminationStatus, terminationReason: process.terminationReason,
                    stdout: String(decoding: outData, as: UTF8.self), stdoutBytes: outData,
                    stderr: String(decoding: errorData.value, as: UTF8.self),
                    timedOut: timedOut.isSet))
            }
            thread.start()
        }
    }

    /// Reads standard output until `marker` appears or the child closes it, on a thread of
    /// its own; gives up after `timeLimit`.
    func readOutput(until marker: String, timeLimit: Duration) async -> Data {
        await read(output, until: marker, timeLimit: timeLimit)
    }

    /// Reads standard error until `marker` appears or the child closes it, like `readOutput`;
    /// pass what it returns to `collect` as `alreadyReadError`.
    func readError(until marker: String, timeLimit: Duration) async -> Data {
        await read(error, until: marker, timeLimit: timeLimit)
    }

    private func read(_ pipe: Pipe, until marker: String, timeLimit: Duration) async -> Data {
        let pid = process.processIdentifier
        let found = Flag()
        let watchdog = Task.detached {
            try? await Task.sleep(for: timeLimit)
            guard !Task.isCancelled, !found.isSet else { return }
            Self.killGroup(pid)
        }
        defer { watchdog.cancel() }
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                var seen = Data()
                while !String(decoding: seen, as: UTF8.self).contains(marker) {
                    let chunk = pipe.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    seen.append(chunk)
                }
                found.set()
                continuation.resume(returning: seen)
            }
            thread.start()
        }
    }
}

/// Bytes read by one thread and handed to another.
private final class ReadOnce: Sendable {
    private let data = Mutex(Data())

    func set(_ value: Data) { data.withLock { $0 = value } }

    var value: Data { data.withLock { $0 } }
}

/// A flag set once, read from other threads.
private final class Flag: Sendable {
    private let state = Atomic<Bool>(false)

    func set() { state.store(true, ordering: .relaxed) }

    var isSet: Bool { state.load(ordering: .relaxed) }
}

/// How many test children run at once. Every suite of the test process shares the machine's
/// few cores; a burst of `manifold` children (dozens of CLI tests start together) would starve
/// the suites that wait for their own work within a time limit.
final class ChildProcessSlots: Sendable {
    static let shared = ChildProcessSlots(limit: max(3, ProcessInfo.processInfo.activeProcessorCount + 1))

    private let state: Mutex<(free: Int, waiting: [CheckedContinuation<Void, Never>])>

    init(limit: Int) {
        state = Mutex((limit, []))
    }

    /// Waits for a free slot and takes it.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                guard state.free > 0 else {
                    state.waiting.append(continuation)
                    return false
                }
                state.free -= 1
                return true
            }
            if granted { continuation.resume() }
        }
    }

    /// Gives a slot back, to the longest waiter if there is one.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
