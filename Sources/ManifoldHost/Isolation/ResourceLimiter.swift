#if canImport(Glibc)
    import Glibc
#endif

/// Sets an isolated node's limits on the worker itself, before any plugin code is loaded.
enum ResourceLimiter {
    /// Applies the limits that are set.
    ///
    /// - Throws: `WorkerStartError` naming the limit `setrlimit` refused (e.g. above the hard
    ///   limit the host itself runs under).
    static func apply(memoryMiB: Int?, cpuSeconds: Int?, openFiles: Int?) throws {
        // RLIMIT_DATA rather than RLIMIT_AS: it counts the heap and private mappings, what a
        // leak grows, and not the address space the runtime reserves for thread stacks.
        if let memoryMiB { try set(RLIMIT_DATA, soft: UInt64(memoryMiB) << 20, hard: UInt64(memoryMiB) << 20, name: "memoryMiB") }
        // SIGXCPU at the soft limit names the cause; the hard limit a second later is the
        // kernel's SIGKILL for a worker that ignores it.
        if let cpuSeconds { try set(RLIMIT_CPU, soft: UInt64(cpuSeconds), hard: UInt64(cpuSeconds) + 1, name: "cpuSeconds") }
        if let openFiles { try set(RLIMIT_NOFILE, soft: UInt64(openFiles), hard: UInt64(openFiles), name: "openFiles") }
    }

    private static func set(_ resource: __rlimit_resource, soft: UInt64, hard: UInt64, name: String) throws {
        var limit = rlimit(rlim_cur: rlim_t(soft), rlim_max: rlim_t(hard))
        guard setrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0 else {
            throw WorkerStartError("limits.\(name) could not be applied: \(String(cString: strerror(errno)))")
        }
    }
}
