import ArgumentParser
import Foundation

/// What `--input-file` names, read whole: a regular file, or a FIFO or process substitution
/// (`--input-file <(make-input)`), which has no size to ask for and is read until it ends.
enum InputFile {
    /// The file's bytes.
    ///
    /// - Throws: `ValidationError` naming the file, what went wrong and how to fix it.
    static func read(_ path: String) throws -> Data {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path, errno) }
        defer { close(descriptor) }
        var contents = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure(path, errno) }
            if count == 0 { return contents }
            contents.append(contentsOf: buffer[0..<count])
        }
    }

    private static func failure(_ path: String, _ number: Int32) -> ValidationError {
        let reason = String(cString: strerror(number))
        let fix = switch number {
        case ENOENT: "check the path (relative paths start from \(FileManager.default.currentDirectoryPath))"
        case EACCES: "check the file's permissions"
        case EISDIR: "name a file, not a folder"
        default: "check that the file can be read"
        }
        return ValidationError("cannot read --input-file \(path): \(reason.lowercased()); \(fix)")
    }
}
