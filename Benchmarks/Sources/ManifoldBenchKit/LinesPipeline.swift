import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// End to end through the CLI: `seq N | manifold run GRAPH --lines > /dev/null` beside
// `seq N | tr a-z A-Z | wc -l`, the same lines through the smallest Unix pipeline that reads,
// transforms and writes them. Children are spawned directly (no shell) so `wait4` gives each
// one's own CPU time and peak RSS.

/// One child's exit status and what it used, from `wait4`.
public struct ChildUsage: Sendable {
    public var status: Int32
    /// User + system CPU time.
    public var cpu: Duration
    /// Peak resident memory, KiB (`ru_maxrss`).
    public var peakKiB: Int
}

/// A pipeline run: wall time from the first spawn to the last exit, and the measured stage's usage.
public struct LinesRun: Sendable {
    public var lines: Int
    public var wall: Duration
    /// The stage measured: `manifold` alone, or `tr` and `wc` together for the baseline.
    public var stage: ChildUsage

    public var linesPerSecond: Double { Double(lines) / (Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18) }
    /// CPU microseconds per line of the measured stage.
    public var cpuMicrosPerLine: Double {
        (Double(stage.cpu.components.seconds) * 1e6 + Double(stage.cpu.components.attoseconds) / 1e12) / Double(lines)
    }
}

public enum SpawnError: Error, CustomStringConvertible {
    case spawn(String, Int32)
    case pipe(Int32)
    case failed(String, Int32)

    public var description: String {
        switch self {
        case .spawn(let command, let code): return "cannot start \(command): \(String(cString: strerror(code)))"
        case .pipe(let code): return "cannot make a pipe: \(String(cString: strerror(code)))"
        case .failed(let command, let status): return "\(command) exited with status \(status)"
        }
    }
}

/// `seq lines | manifold run graph --lines ARGUMENTS > /dev/null`; the usage is manifold's.
public func linesThroughManifold(manifold: String, graph: String, lines: Int, arguments: [String] = []) throws -> LinesRun {
    try runPipeline(
        [["seq", String(lines)], [manifold, "run", graph, "--lines"] + arguments], measured: [1], lines: lines)
}

/// `seq lines | tr a-z A-Z | wc -l > /dev/null`; the usage is tr's and wc's together.
public func linesThroughShellTools(lines: Int) throws -> LinesRun {
    try runPipeline([["seq", String(lines)], ["tr", "a-z", "A-Z"], ["wc", "-l"]], measured: [1, 2], lines: lines)
}

/// Runs `stages` connected by pipes, the last writing to /dev/null; sums the usage of `measured`.
private func runPipeline(_ stages: [[String]], measured: Set<Int>, lines: Int) throws -> LinesRun {
    let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
    guard devNull >= 0 else { throw SpawnError.spawn("/dev/null", errno) }
    defer { close(devNull) }
    var pids: [pid_t] = []
    var input: Int32 = STDIN_FILENO
    let start = ContinuousClock.now
    var failure: (any Error)?
    for (index, stage) in stages.enumerated() {
        var output = devNull
        var readEnd: Int32 = -1
        if index < stages.count - 1 {
            var fds: [Int32] = [0, 0]
            // Close-on-exec, so no child holds a pipe end it does not use (it would keep the
            // reader from seeing the end); `dup2` in the child clears the flag on its copy.
            guard pipe(&fds) == 0 else {
                failure = SpawnError.pipe(errno)
                break
            }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            readEnd = fds[0]
            output = fds[1]
        }
        do {
            pids.append(try spawn(stage, standardInput: input, standardOutput: output))
        } catch {
            failure = error
        }
        if input != STDIN_FILENO { close(input) }
        if output != devNull { close(output) }
        input = readEnd
        if failure != nil { break }
    }
    if input >= 0 && input != STDIN_FILENO { close(input) }
    var usage = ChildUsage(status: 0, cpu: .zero, peakKiB: 0)
    var firstFailure: (String, Int32)?
    for (index, pid) in pids.enumerated() {
        var status: Int32 = 0
        var resources = rusage()
        while wait4(pid, &status, 0, &resources) < 0 && errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        if exit != 0 && firstFailure == nil { firstFailure = (stages[index].joined(separator: " "), exit) }
        guard measured.contains(index) else { continue }
        usage.cpu += .seconds(resources.ru_utime.tv_sec) + .microseconds(resources.ru_utime.tv_usec)
            + .seconds(resources.ru_stime.tv_sec) + .microseconds(resources.ru_stime.tv_usec)
        usage.peakKiB = max(usage.peakKiB, Int(resources.ru_maxrss))
        usage.status = exit
    }
    let wall = ContinuousClock.now - start
    if let failure { throw failure }
    if let (command, status) = firstFailure { throw SpawnError.failed(command, status) }
    return LinesRun(lines: lines, wall: wall, stage: usage)
}

/// Starts `arguments` (the first found on PATH when it has no slash) with the given standard
/// input and output; standard error is inherited so a failing child says why.
private func spawn(_ arguments: [String], standardInput: Int32, standardOutput: Int32) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if standardInput != STDIN_FILENO { posix_spawn_file_actions_adddup2(&actions, standardInput, STDIN_FILENO) }
    posix_spawn_file_actions_adddup2(&actions, standardOutput, STDOUT_FILENO)
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var pid: pid_t = 0
    let code = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
    guard code == 0 else { throw SpawnError.spawn(arguments[0], code) }
    return pid
}
