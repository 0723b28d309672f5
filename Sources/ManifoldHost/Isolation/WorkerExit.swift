import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How a worker process ended, in words for a report.
struct WorkerExit: Sendable, CustomStringConvertible {
    /// Its process id.
    var pid: pid_t
    /// The exit status, when it exited.
    var status: Int32?
    /// The signal that ended it, when one did.
    var signal: Int32?
    /// Why the host ended it, when the host did (heartbeat, a cancel not honoured, shutdown).
    var killedBecause: String?
    /// The memory limit it ran under, for the hint that a failed allocation ends a process
    /// with a signal.
    var memoryLimitMiB: Int?
    /// Its CPU time limit, to name `SIGXCPU` for what it is.
    var cpuLimitSeconds: Int?
    /// The last lines it wrote.
    var lastLines: [String] = []

    /// Reads a `waitpid` status.
    init(pid: pid_t, waitStatus: Int32, killedBecause: String?, memoryLimitMiB: Int?, cpuLimitSeconds: Int?) {
        self.pid = pid
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import (they are macros).
        let low = waitStatus & 0x7F
        if low == 0 {
            status = (waitStatus >> 8) & 0xFF
        } else if low != 0x7F {
            signal = low
        }
        self.killedBecause = killedBecause
        self.memoryLimitMiB = memoryLimitMiB
        self.cpuLimitSeconds = cpuLimitSeconds
    }

    /// `was killed by signal 11 (Segmentation fault)`, `exited with status 3`, …
    var description: String {
        var text: String
        if let killedBecause {
            text = "was killed by the host because it \(killedBecause)"
        } else if let signal {
            let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
            text = "was killed by signal \(signal) (\(name))"
            if signal == SIGXCPU, let cpuLimitSeconds {
                text += ": it used up its CPU limit of \(cpuLimitSeconds) s (limits.cpuSeconds)"
            } else if let memoryLimitMiB, [SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGKILL].contains(signal) {
                text += "; it ran under a memory limit of \(memoryLimitMiB) MiB (limits.memoryMiB), and a failed allocation ends a process this way"
            }
        } else if let status {
            text = status == 0 ? "exited (status 0) without being asked to" : "exited with status \(status)"
        } else {
            text = "ended"
        }
        return text
    }

    /// The description and the last lines, on lines of their own.
    var report: String {
        guard !lastLines.isEmpty else { return description + "; it wrote nothing to its standard error" }
        return description + "; the last lines of its output:\n" + lastLines.map { "    | \($0)" }.joined(separator: "\n")
    }
}
