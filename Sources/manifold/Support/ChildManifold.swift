import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// This program run again as a child process, to do what may crash, hang or call `exit`
/// (load a library, run a plugin's code) at the cost of that child alone.
enum ChildManifold {
    /// How the child ended.
    struct Outcome {
        /// The child's standard output.
        var output: Data
        /// The child's standard error.
        var errors: Data
        /// Its exit status, when it exited.
        var status: Int32?
        /// The signal that ended it, when one did.
        var signal: Int32?
        /// Whether it ran past its time limit and was killed.
        var timedOut: Bool

        /// Standard error as text, without its last newline.
        var errorText: String {
            let text = String(decoding: errors, as: UTF8.self)
            return text.hasSuffix("\n") ? String(text.dropLast()) : text
        }

        /// The signal's number and name: `signal 11, Segmentation fault`.
        var signalDescription: String? {
            signal.map { number in "signal \(number), " + (strsignal(number).map { String(cString: $0) } ?? "unknown") }
        }
    }

    /// Runs `manifold ARGUMENTS` and waits for it, killing it after `timeLimit` seconds. Its
    /// standard input is empty.
    static func run(_ arguments: [String], timeLimit: TimeInterval) -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        // A crash is reported by the parent in one line; the Swift runtime's backtrace of the
        // child would only bury it (and take seconds to print).
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        // Signalled by Foundation when the child exits: the wait below sleeps instead of polling.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            let message = Data("could not start \(executablePath): \(error)\n".utf8)
            return Outcome(output: Data(), errors: message, status: 127, signal: nil, timedOut: false)
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
        var timedOut = false
        if exited.wait(timeout: .now() + timeLimit) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            timedOut = true
        }
        // A plugin may have left a process of its own holding the pipes open: reading stops
        // a moment after the child itself is gone.
        _ = reading.wait(timeout: .now() + 5)
        var outcome = Outcome(output: collected.output, errors: collected.errors, status: nil, signal: nil, timedOut: timedOut)
        if !timedOut {
            if process.terminationReason == .uncaughtSignal {
                outcome.signal = process.terminationStatus
            } else {
                outcome.status = process.terminationStatus
            }
        }
        return outcome
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
