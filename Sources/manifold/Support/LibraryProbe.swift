import Foundation

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
        let child = ChildManifold.run(
            ["inspect", "--in-process"] + (allowInsecurePlugins ? ["--allow-insecure-plugins"] : []) + arguments, timeLimit: timeLimit)
        var outcome = Outcome(output: child.output, errors: child.errors, status: child.status, abnormalEnd: nil)
        if child.timedOut {
            outcome.abnormalEnd = "did not finish loading within \(RunWatchdog.seconds(.milliseconds(Int64(timeLimit * 1000)))) and was killed (a library initialiser that hangs?)"
        } else if let signal = child.signalDescription {
            outcome.abnormalEnd = "crashed while loading (\(signal)); it ran in a child process, so nothing else was affected"
        }
        return outcome
    }
}
