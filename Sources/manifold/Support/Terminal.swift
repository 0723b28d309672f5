import Foundation

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
enum Terminal {
    /// Writes to standard error.
    static func error(_ text: String) {
        write(text.hasSuffix("\n") ? text : text + "\n", to: STDERR_FILENO)
    }

    /// Writes to standard output, as is.
    static func output(_ text: String) {
        write(text, to: STDOUT_FILENO)
    }

    /// Whether standard error is a terminal (progress lines only make sense there).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        let failure: Int32? = text.withUTF8 { bytes -> Int32? in
            var written = 0
            while written < bytes.count {
                let result = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
        guard let failure else { return }
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
