/// Why a file that decides what code runs (a library, or a manifest naming one) cannot be
/// trusted: the file itself, or a folder on the way to it, can be changed by someone other
/// than root and the user running the host.
public struct UntrustedFile: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as it was asked for.
    public let file: String
    /// The path that breaks the rule: the file (after symlinks) or a folder on the way.
    public let offender: String
    /// What is wrong with `offender`, e.g. "is writable by every user (mode 0777)".
    public let reason: String
    /// How to make it trusted.
    public let fix: String

    /// Makes the error.
    public init(file: String, offender: String, reason: String, fix: String) {
        self.file = file
        self.offender = offender
        self.reason = reason
        self.fix = fix
    }

    /// One sentence naming the file and, when they differ, the path at fault.
    public var description: String {
        offender == file ? "\(file) \(reason)" : "\(offender) (on the way to \(file)) \(reason)"
    }
}
