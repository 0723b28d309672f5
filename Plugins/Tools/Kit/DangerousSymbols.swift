import Foundation
import ManifoldJSON

/// The C functions a tool may call only when its config says `"unsafe": true`.
///
/// A tool is code the model may run at any moment with any arguments it likes, and a prompt
/// (or a document the model reads) can steer those arguments. Most C functions are harmless
/// that way; the groups below are not, because one call with model-chosen arguments can take
/// the host down, destroy files, hand out secrets, or corrupt memory. Binding one of them is
/// allowed — calling C is the point of the plugin — but it has to be said out loud, per tool.
///
/// The list is a guard against the obvious mistakes, not a sandbox: any function that takes
/// a pointer declared as an integer, or writes through its arguments, can do damage, and no
/// list of names is complete. Treat every tool as code the model runs.
///
/// A symbol matches a listed name also in the spellings glibc exports for the same function:
/// with leading underscores (`__libc_system`, `__fork`, `_exit`), a `libc_` prefix, the
/// 64-bit variant (`open64`, `mmap64`) and the fortified or no-cancel entry points
/// (`__memcpy_chk`, `__open64_2`, `__open_nocancel`).
package enum DangerousSymbols {
    /// One group of functions and why the model must not have them by accident.
    package struct Group: Sendable, Hashable {
        /// A short name: `processes`, `files`, …
        package let name: String
        /// What one call can do, completing "which can …".
        package let risk: String
        /// The function names, without glibc's alias spellings.
        package let symbols: [String]
    }

    /// Every group, in the order messages and the config schema list them.
    package static let groups: [Group] = [
        Group(
            name: "processes",
            risk: "start a program or a shell command, or replace or end the host process (every node of the graph with it)",
            symbols: [
                "system", "popen", "fork", "vfork", "_Fork", "clone", "clone3", "daemon",
                "execl", "execle", "execlp", "execv", "execve", "execvp", "execvpe", "execveat", "fexecve",
                "posix_spawn", "posix_spawnp", "exit", "_exit", "_Exit", "quick_exit", "abort",
                "pthread_exit", "pthread_cancel", "ptrace", "syscall",
            ]),
        Group(
            name: "signals",
            risk: "send signals to the host or other processes, or change how the host handles them (Ctrl-C, timers, child exits)",
            symbols: [
                "kill", "killpg", "tgkill", "tkill", "sigqueue", "pthread_kill", "raise", "gsignal", "alarm", "ualarm", "setitimer",
                "signal", "sigaction", "sigprocmask", "pthread_sigmask", "sigset", "sighold", "sigrelse", "sigignore",
                "bsd_signal", "sysv_signal", "ssignal",
            ]),
        Group(
            name: "files",
            risk: "remove, rename, truncate, create or overwrite files and folders, or change their permissions or owner",
            symbols: [
                "unlink", "unlinkat", "remove", "rename", "renameat", "renameat2", "rmdir", "truncate", "ftruncate",
                "chmod", "fchmod", "fchmodat", "lchmod", "chown", "fchown", "lchown", "fchownat",
                "link", "linkat", "symlink", "symlinkat", "mkdir", "mkdirat", "mknod", "mknodat", "mkfifo", "mkfifoat",
                "open", "openat", "creat", "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
                "utime", "utimes", "lutimes", "futimes", "futimens", "utimensat",
            ]),
        Group(
            name: "descriptors",
            risk: "write to, close or redirect the host's open files and sockets (its output, the connections of its nodes)",
            symbols: [
                "write", "pwrite", "close", "close_range", "closefrom", "dup2", "dup3", "fcntl", "ioctl", "shutdown",
                "sendfile", "splice",
            ]),
        Group(
            name: "environment",
            risk: "read or change the host's environment variables, where API keys live",
            symbols: ["getenv", "secure_getenv", "setenv", "putenv", "unsetenv", "clearenv"]),
        Group(
            name: "memory",
            risk: "write memory, or free, map or protect it, at an address or into a buffer the model chooses the size of: "
                + "one bad argument corrupts or crashes the host",
            symbols: [
                "memcpy", "memmove", "memset", "memccpy", "mempcpy", "bcopy", "bzero", "explicit_bzero",
                "wmemcpy", "wmempcpy", "wmemmove", "wmemset", "strcpy", "strncpy", "stpcpy", "stpncpy", "strcat", "strncat",
                "wcscpy", "wcsncpy", "wcscat", "wcsncat", "sprintf", "vsprintf", "gets", "fgets", "read", "pread", "recv",
                "recvfrom", "strtok", "malloc", "calloc", "free", "cfree", "realloc", "reallocarray",
                "mmap", "munmap", "mremap", "mprotect", "madvise", "brk", "sbrk",
                "longjmp", "siglongjmp", "setcontext", "swapcontext", "makecontext",
            ]),
        Group(
            name: "code loading",
            risk: "load a library (running its constructors) or look up any function by name, which reaches everything else on this list",
            symbols: ["dlopen", "dlmopen", "dlsym", "dlvsym", "dlclose"]),
        Group(
            name: "process identity",
            risk: "change, for every thread and node of the host, the user it runs as, its working or root folder, or its limits",
            symbols: [
                "setuid", "setgid", "seteuid", "setegid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups",
                "chroot", "chdir", "fchdir", "umask", "setrlimit", "prlimit", "unshare", "setns", "prctl", "personality",
                "setsid", "setpgid", "nice", "setpriority",
            ]),
        Group(
            name: "system administration",
            risk: "mount, reboot or reconfigure the machine (they need root, and containers often run as root)",
            symbols: [
                "mount", "umount", "umount2", "reboot", "swapon", "swapoff", "sethostname", "setdomainname",
                "settimeofday", "stime", "clock_settime", "adjtime", "init_module", "finit_module", "delete_module",
                "acct", "pivot_root",
            ]),
    ]

    /// The regular expression a symbol of `group` matches, with glibc's alias spellings;
    /// the config schema carries the same, so `manifold validate` and the plugin agree.
    package static func pattern(of group: Group) -> String {
        "^_*(libc_)?(" + group.symbols.joined(separator: "|") + ")(64)?(_chk|_2|_nocancel)?$"
    }

    /// The group `symbol` belongs to, or nil when it is on no list.
    package static func group(of symbol: String) -> Group? {
        let range = NSRange(symbol.startIndex..., in: symbol)
        return zip(groups, expressions).first { _, expression in expression.firstMatch(in: symbol, range: range) != nil }?.0
    }

    /// Compiled once; the patterns are made of C identifiers, so they always compile.
    private static let expressions: [NSRegularExpression] = groups.map {
        try! NSRegularExpression(pattern: pattern(of: $0))
    }
}
