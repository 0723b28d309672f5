import Foundation
import ManifoldHost
import ManifoldJSON

#if canImport(Glibc)
import Glibc
#endif

/// Writing to the terminal's streams without buffering surprises, and without crashing when
/// a stream cannot be written.
///
/// A reader that went away (`manifold run … | head -1` with `SIGPIPE` ignored) ends the
/// program quietly with status 0, as `head` expects; any other failure to write standard
/// output (`> /dev/full`, a closed descriptor) is reported once on standard error and ends the
/// program with status 1. A failure to write standard error itself ends it with status 1.
///
/// Messages on standard error quote text from outside (a server's error, a plugin's, an
/// input), so their control characters are escaped: a terminal would obey an OSC sequence
/// (`ESC ] 0 ; … BEL` retitles the window), a CSI one (`ESC [ 2 J` clears the screen) or a
/// carriage return that hides what came before. Standard output carries the graph's outputs,
/// which are data and are written byte for byte.
enum Terminal {
    /// Writes a message to standard error, its control characters escaped (`ControlCharacters`).
    static func error(_ text: String) {
        let safe = ControlCharacters.escaped(text)
        write(safe.hasSuffix("\n") ? safe : safe + "\n", to: STDERR_FILENO)
    }

    /// Writes `error` to standard error as `error: …`; a graph's diagnostics, which say
    /// `error:` after their place on each line, as they are.
    static func error(_ error: any Error) {
        Terminal.error(error is GraphBuildError ? "\(error)" : "error: \(error)")
    }

    /// Writes to standard output, as is.
    static func output(_ text: String) {
        write(text, to: STDOUT_FILENO)
    }

    /// Writes bytes to standard output exactly as they are (a binary output).
    static func output(_ bytes: Data) {
        bytes.withUnsafeBytes { writeOutput($0) }
    }

    /// Writes all of `bytes` to standard output, ending the program as described above when
    /// that fails.
    static func writeOutput(_ bytes: UnsafeRawBufferPointer) {
        if let failure = write(bytes, to: STDOUT_FILENO) { fail(failure, descriptor: STDOUT_FILENO) }
    }

    /// Whether standard error is a terminal (progress lines only make sense there).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Whether standard output is a terminal, which binary outputs would garble.
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        let failure = text.withUTF8 { write(UnsafeRawBufferPointer($0), to: descriptor) }
        if let failure { fail(failure, descriptor: descriptor) }
    }

    /// Writes all of `bytes`; the `errno` of a failed write, if one failed.
    private static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
        var written = 0
        while written < bytes.count, let start = bytes.baseAddress {
            let result = Glibc.write(descriptor, start + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += result
        }
        return nil
    }

    private static func fail(_ failure: Int32, descriptor: Int32) -> Never {
        if failure == EPIPE { exit(0) }
        if descriptor == STDOUT_FILENO {
            write("error: writing to standard output failed: \(String(cString: strerror(failure)))\n", to: STDERR_FILENO)
        }
        exit(1)
    }
}

/// An error already explained to the user; only the exit code is left to set.
struct ReportedFailure: Error {
    let exitCode: Int32
}
