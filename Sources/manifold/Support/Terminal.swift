import Foundation

/// Writing to the terminal's streams without buffering surprises.
enum Terminal {
    /// Writes to standard error.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes to standard output, as is.
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Whether standard error is a terminal (progress lines only make sense there).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}

/// An error already explained to the user; only the exit code is left to set.
struct ReportedFailure: Error {
    let exitCode: Int32
}
