import Foundation
import ManifoldTrust

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

    /// Refuses a library that someone other than root and the invoking user could replace:
    /// the ssh rule for key files, on the file and every folder up to the root, symlinks
    /// followed (`FileTrust`).
    ///
    /// - Returns: the library's path with every symlink resolved, the path to open.
    static func checkPermissions(_ path: String, role: String = "plugin library") throws -> String {
        do {
            return try FileTrust.check(path, role: role)
        } catch {
            throw PluginLoadError(
                file: path, kind: .insecurePermissions,
                problem: "\(error), so someone other than root and you could change the code the host runs",
                fix: "\(error.fix); or, for a folder you trust anyway, --allow-insecure-plugins")
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
        let digest: String
        do {
            digest = try FileDigest.sha256(ofOpenFile: descriptor)
        } catch {
            close(descriptor)
            throw PluginLoadError(
                file: path, kind: .fileMissing, problem: "plugin library cannot be read (\(error.reason))",
                fix: "check the file and its permissions")
        }
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
