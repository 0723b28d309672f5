#if canImport(Glibc)
    import Glibc
#endif

/// Makes sure a server that exits cannot kill the host through `SIGPIPE`.
///
/// The node writes each message to its server's standard input, a pipe; once the server has
/// exited, a write to it raises `SIGPIPE`, whose default action ends the whole process. The
/// `manifold` launcher ignores `SIGPIPE`; a host that left it at the default gets it ignored
/// here (a handler the host installed is left alone), and the write fails with `EPIPE`,
/// which ends that server's conversation only.
enum BrokenPipeGuard {
    /// Ignores `SIGPIPE` if its disposition is the default; true when it changed it.
    @discardableResult
    static func ensure() -> Bool {
        var current = sigaction()
        guard sigaction(SIGPIPE, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil else { return false }
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        return sigaction(SIGPIPE, &ignore, nil) == 0
    }
}
