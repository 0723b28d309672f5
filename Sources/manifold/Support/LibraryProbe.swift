import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `manifold inspect --in-process …` in a child process: the way every command that must
/// look inside a plugin library (its compiled descriptor) does it, so a library that crashes,
/// hangs or calls `exit` while loading costs that one child, not the command.
enum LibraryProbe {
    /// What the child did.
    struct Outcome {
        /// The child's standard output.
        var output: Data
        /// The child's standard error.
        var errors: Data
        /// Its exit status, when it exited.
        var status: Int32?
        /// A sentence saying how it ended abnormally (a signal, the time limit), when it did.
        var abnormalEnd: String?

        /// Whether it exited with status 0.
        var succeeded: Bool { status == 0 && abnormalEnd == nil }

        /// Standard error as text, without its last newline.
        var errorText: String {
            let text = String(decoding: errors, as: UTF8.self)
            return text.hasSuffix("\n") ? String(text.dropLast()) : text
        }
    }

    /// How long a library may take to load and describe itself.
    static let timeLimit: TimeInterval = 30

    /// Runs `manifold inspect --in-process` with `arguments` (what to inspect and how) and
    /// waits for it, killing it after `timeLimit`.
    static func inspect(_ arguments: [String], allowInsecurePlugins: Bool, timeLimit: TimeInterval = timeLimit) -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath)
        process.arguments = ["inspect", "--in-process"] + (allowInsecurePlugins ? ["--allow-insecure-plugins"] : []) + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        // A crash is reported here in one line; the Swift runtime's backtrace of the child
        // would only bury it (and take seconds to print).
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        // Signalled by Foundation when the child exits: the wait below sleeps instead of polling.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            return Outcome(output: Data(), errors: Data(), status: nil, abnormalEnd: "could not start \(executablePath): \(error)")
        }
        // Both pipes are drained while the child runs: a child blocked on a full pipe would
        // otherwise look like a hang.
        let reading = DispatchGroup()
        let collected = CollectedOutput()
        for (pipe, isOutput) in [(output, true), (errors, false)] {
            DispatchQueue.global().async(group: reading) {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, isOutput: isOutput)
            }
        }
        let timedOut = waitForExit(process, exited: exited, within: timeLimit)
        reading.wait()
        var outcome = Outcome(output: collected.output, errors: collected.errors, status: nil, abnormalEnd: nil)
        if timedOut {
            outcome.abnormalEnd = "did not finish loading within \(RunWatchdog.seconds(.milliseconds(Int64(timeLimit * 1000)))) and was killed (a library initialiser that hangs?)"
        } else if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
            outcome.abnormalEnd = "crashed while loading (signal \(signal), \(name)); it ran in a child process, so nothing else was affected"
        } else {
            outcome.status = process.terminationStatus
        }
        return outcome
    }

    /// Waits for `process`; after `limit` seconds it is killed. Returns whether it was.
    private static func waitForExit(_ process: Process, exited: DispatchSemaphore, within limit: TimeInterval) -> Bool {
        guard exited.wait(timeout: .now() + limit) == .timedOut else { return false }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return true
    }

    /// This program, to run again as the child.
    private static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    private final class CollectedOutput: @unchecked Sendable {
        private let lock = NSLock()
        private var outputData = Data()
        private var errorData = Data()

        func store(_ data: Data, isOutput: Bool) {
            lock.withLock {
                if isOutput { outputData = data } else { errorData = data }
            }
        }

        var output: Data { lock.withLock { outputData } }
        var errors: Data { lock.withLock { errorData } }
    }
}
