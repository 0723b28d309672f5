import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// What a scenario costs the process beside its wall time: CPU time of all its threads (a
// spinning or futex-heavy hand-off shows here, not in throughput) and peak resident memory.

/// CPU time used so far by every thread of this process (`CLOCK_PROCESS_CPUTIME_ID`).
public func processCPUTime() -> Duration {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
}

/// Starts a new peak-RSS window: on Linux, writing 5 to `/proc/self/clear_refs` resets
/// `VmHWM` to the current RSS. Returns `false` where that is not possible (the peak is then
/// the process's since it started).
@discardableResult
public func resetPeakResident() -> Bool {
    guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? handle.close() }
    return (try? handle.write(contentsOf: Data("5".utf8))) != nil
}

/// Peak resident memory in KiB since the last `resetPeakResident()` (Linux `VmHWM`), else
/// since the process started (`getrusage`).
public func peakResidentKiB() -> Int {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kib = Int(line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    {
        return kib
    }
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Int(usage.ru_maxrss)
}

/// A scenario's run with what it cost the process.
public struct Costed: Sendable {
    public var run: Measured
    /// Process CPU time (all threads) over the run.
    public var cpu: Duration
    /// Peak resident memory during the run, KiB.
    public var peakKiB: Int

    /// CPU nanoseconds per item.
    public var cpuNanosPerItem: Double {
        (Double(cpu.components.seconds) * 1e9 + Double(cpu.components.attoseconds) / 1e9) / Double(run.items)
    }
}

/// Runs `body` and records the process CPU time and the peak RSS it took.
public func costed(_ body: () async throws -> Measured) async rethrows -> Costed {
    resetPeakResident()
    let before = processCPUTime()
    let run = try await body()
    let cpu = processCPUTime() - before
    return Costed(run: run, cpu: cpu, peakKiB: peakResidentKiB())
}
