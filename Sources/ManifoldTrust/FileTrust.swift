#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The rule ssh applies to key files, applied to the files that decide what code the host
/// runs: the file and every folder from the root down to it must be owned by root or by the
/// user running the host, and writable by no one else (a folder with the sticky bit, like
/// `/tmp`, may be writable by all, since no one can then replace an entry they do not own).
///
/// Symlinks are followed one by one, and the folder holding each link is checked as well as
/// the folders of its target: a trusted link into a folder anyone can write is refused, and
/// so is a trusted target behind a link anyone can repoint.
public enum FileTrust {
    /// How many symlinks a path may pass through, as the kernel allows.
    static let maximumSymlinkHops = 40

    /// Checks the file at `path` and every folder on the way to it.
    ///
    /// - Parameters:
    ///   - path: the file, absolute or relative to the current folder.
    ///   - role: what the file is, for messages ("plugin library", "plugin manifest").
    /// - Returns: the file's path with every symlink resolved: open that path, so the file
    ///   opened is the one checked.
    /// - Throws: `UntrustedFile` naming the first path that breaks the rule.
    public static func check(_ path: String, role: String) throws(UntrustedFile) -> String {
        let user = geteuid()
        var pending = components(of: path.hasPrefix("/") ? path : currentFolder() + "/" + path)
        var current = "/"
        try checkFolder(current, file: path, user: user)
        var hops = 0
        while !pending.isEmpty {
            let component = pending.removeFirst()
            if component == "." { continue }
            if component == ".." {
                current = parent(of: current)
                continue
            }
            let next = current == "/" ? "/" + component : current + "/" + component
            var info = stat()
            guard lstat(next, &info) == 0 else {
                // A missing file is not a trust problem; the caller reports it when opening.
                return next + pending.map { "/" + $0 }.joined()
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                hops += 1
                guard hops <= maximumSymlinkHops, let target = readLink(next) else {
                    throw UntrustedFile(
                        file: path, offender: next, reason: "passes through more than \(maximumSymlinkHops) symlinks or an unreadable one",
                        fix: "point \(path) at the file itself")
                }
                // The link lives in `current`, already checked, so no one else can repoint it.
                if target.hasPrefix("/") { current = "/" }
                pending = components(of: target) + pending
                continue
            }
            current = next
            if pending.isEmpty {
                try checkFile(current, info: info, file: path, role: role, user: user)
            } else {
                try checkFolder(current, file: path, user: user)
            }
        }
        return current
    }

    private static func checkFolder(_ folder: String, file: String, user: uid_t) throws(UntrustedFile) {
        var info = stat()
        guard stat(folder, &info) == 0 else { return }
        try checkOwner(folder, info: info, file: file, role: "folder", user: user)
        let writableByOthers = info.st_mode & (S_IWGRP | S_IWOTH) != 0
        let sticky = info.st_mode & S_ISVTX != 0
        if writableByOthers && !sticky {
            throw UntrustedFile(
                file: file, offender: folder, reason: "is a folder \(writers(info.st_mode)) (mode \(octal(info.st_mode))), so they could replace what it holds",
                fix: "chmod go-w \(folder), or keep plugins in a folder only root and you can write")
        }
    }

    private static func checkFile(_ resolved: String, info: stat, file: String, role: String, user: uid_t) throws(UntrustedFile) {
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw UntrustedFile(file: file, offender: resolved, reason: "is not a regular file", fix: "point at the \(role) file itself")
        }
        try checkOwner(resolved, info: info, file: file, role: role, user: user)
        if info.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            throw UntrustedFile(
                file: file, offender: resolved, reason: "is a \(role) \(writers(info.st_mode)) (mode \(octal(info.st_mode)))",
                fix: "chmod go-w \(resolved)")
        }
    }

    private static func checkOwner(_ path: String, info: stat, file: String, role: String, user: uid_t) throws(UntrustedFile) {
        guard info.st_uid != 0 && info.st_uid != user else { return }
        throw UntrustedFile(
            file: file, offender: path,
            reason: "is a \(role) owned by user \(info.st_uid); only root and the user running manifold (\(user)) may own it",
            fix: "chown \(user == 0 ? "root" : String(user)) \(path), or install the plugin somewhere you own")
    }

    private static func writers(_ mode: mode_t) -> String {
        mode & S_IWOTH != 0 ? "writable by every user" : "writable by its group"
    }

    private static func octal(_ mode: mode_t) -> String {
        let bits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - bits.count)) + bits
    }

    private static func components(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func currentFolder() -> String {
        guard let folder = getcwd(nil, 0) else { return "/" }
        defer { free(folder) }
        return String(cString: folder)
    }
}
