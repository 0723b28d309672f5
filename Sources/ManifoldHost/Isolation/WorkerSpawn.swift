import Foundation
import ManifoldLink

#if canImport(Glibc)
    import Glibc
#endif

/// A worker process just started: its pid, the host's end of their socket, and the read end
/// of the pipe its standard output and standard error go to.
struct SpawnedWorker {
    let pid: pid_t
    let socket: LinkSocket
    let output: Int32

    /// The descriptor the worker finds its socket on.
    static let socketDescriptor: Int32 = 3

    /// Starts `executable` with `arguments`, its socket on descriptor 3, its standard input
    /// `/dev/null`, and its standard output and error into one pipe.
    ///
    /// The worker gets a process group of its own, so a Ctrl-C at the terminal reaches the
    /// host alone, which stops its workers in order; default signal handling and an empty
    /// signal mask, whatever the host set for itself; and no Swift backtrace on a crash (the
    /// host reports the crash in one line, and a backtrace takes seconds).
    static func spawn(executable: String, arguments: [String]) throws -> SpawnedWorker {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw WorkerStartError("could not make a socket pair for the worker: \(String(cString: strerror(errno)))")
        }
        // A socket pair rather than a pipe for the output too: it is made close-on-exec at
        // once, so no worker started at the same moment by another thread inherits it.
        var pipeEnds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pipeEnds) == 0 else {
            close(ends[0])
            close(ends[1])
            throw WorkerStartError("could not make a pipe for the worker's output: \(String(cString: strerror(errno)))")
        }
        defer {
            close(ends[1])
            close(pipeEnds[1])
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        posix_spawn_file_actions_adddup2(&actions, ends[1], socketDescriptor)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaulted = sigset_t()
        sigemptyset(&defaulted)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD] { sigaddset(&defaulted, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaulted)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(ends[0])
            close(pipeEnds[0])
            throw WorkerStartError("could not start the worker \(executable): \(String(cString: strerror(status)))")
        }
        return SpawnedWorker(pid: pid, socket: LinkSocket(descriptor: ends[0]), output: pipeEnds[0])
    }
}

/// A worker process could not be started.
struct WorkerStartError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
