import Crypto
import Foundation

/// Checks on a library file made before `dlopen`: it exists, is safe to load, is an ELF
/// shared object for this machine; and its SHA-256.
enum LibraryFile {
    /// The ELF `e_machine` of the running host.
    static var hostMachine: (code: UInt16, name: String) {
        #if arch(x86_64)
            return (62, "x86-64")
        #elseif arch(arm64)
            return (183, "AArch64")
        #else
            return (0, "this architecture")
        #endif
    }

    static func checkExists(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PluginLoadError(
                file: path, kind: .fileMissing, problem: "plugin library does not exist",
                fix: "build the plugin (swift build) or correct the path; a manifest's \"library\" is relative to the manifest's folder")
        }
    }

    /// Refuses a library, or its folder, that anyone may write to: whoever can replace it can
    /// run code in the host (the rule ssh applies to keys).
    static func checkPermissions(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        for (what, candidate) in [("library", path), ("folder", folder.isEmpty ? "." : folder)] {
            var info = stat()
            guard stat(candidate, &info) == 0 else { continue }
            let worldWritable = info.st_mode & S_IWOTH != 0
            let sticky = info.st_mode & S_ISVTX != 0
            if worldWritable && !(what == "folder" && sticky) {
                throw PluginLoadError(
                    file: path, kind: .insecurePermissions,
                    problem: "the plugin \(what) \(candidate) is writable by every user, so anyone could replace the code the host runs",
                    fix: "chmod o-w \(candidate), or allow it explicitly with --allow-insecure-plugins")
            }
        }
    }

    /// Reads the ELF header and checks it is a 64-bit shared object for this machine.
    static func checkELF(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PluginLoadError(
                file: path, kind: .fileMissing, problem: "plugin library cannot be read",
                fix: "check the file's permissions (the host needs read access)")
        }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 20)) ?? Data())
        guard header.count >= 20, header[0] == 0x7f, header[1] == 0x45, header[2] == 0x4c, header[3] == 0x46 else {
            throw PluginLoadError(
                file: path, kind: .notELF, problem: "not a plugin: the file is not an ELF shared library",
                fix: "point at the compiled .so (e.g. .build/debug/libNAME.so), not a source, manifest or text file")
        }
        let machine = UInt16(header[18]) | UInt16(header[19]) << 8
        let host = hostMachine
        guard header[4] == 2, machine == host.code else {
            let bits = header[4] == 1 ? "32-bit" : "64-bit"
            throw PluginLoadError(
                file: path, kind: .wrongArchitecture,
                problem: "the library is a \(bits) ELF for machine \(machine) (\(machineName(machine))); this host is 64-bit \(host.name)",
                fix: "rebuild the plugin for this machine")
        }
    }

    /// Opens the library once, hashes that open file and compares the hash with `pin`
    /// before any of its code can run; the returned descriptor is what `dlopen` then loads
    /// (through `/proc/self/fd/N`), so a file swapped after the check is never the one loaded.
    ///
    /// - Returns: the open descriptor (the caller closes it) and the SHA-256, lowercase hex.
    static func openPinned(_ path: String, pin: String?, manifest: String?) throws -> (descriptor: Int32, sha256: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw PluginLoadError(
                file: path, kind: .fileMissing, problem: "plugin library cannot be read (\(String(cString: strerror(errno))))",
                fix: "check the file's permissions (the host needs read access)")
        }
        var hasher = SHA256()
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, chunk)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw PluginLoadError(
                    file: path, kind: .fileMissing, problem: "plugin library cannot be read (\(reason))",
                    fix: "check the file and its permissions")
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        if let expected = pin?.lowercased(), expected != digest {
            close(descriptor)
            throw PluginLoadError(
                file: path, kind: .checksumMismatch,
                problem: "SHA-256 is \(digest) but the manifest \(manifest ?? "") expects \(expected): the library is not the one the manifest was written for; none of its code was run",
                fix: "rebuild or reinstall the plugin, or update \"sha256\" in the manifest if this library is trusted")
        }
        return (descriptor, digest)
    }

    private static func machineName(_ code: UInt16) -> String {
        switch code {
        case 3: return "x86"
        case 40: return "ARM"
        case 62: return "x86-64"
        case 183: return "AArch64"
        case 243: return "RISC-V"
        default: return "unknown"
        }
    }
}
