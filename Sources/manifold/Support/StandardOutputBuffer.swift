import Foundation

/// Bytes for standard output, gathered so that a burst of outputs costs one `write(2)`.
///
/// A graph's outputs arrive in batches (a subscription hands its reader everything queued at
/// once); writing each on its own cost one system call per output, which for short lines was
/// most of printing. The buffer is written when it passes `flushThreshold`, when the graph's
/// outputs go quiet (`flush()`, called by the run once a batch has been printed) and at the
/// end; when standard output is a terminal every append is written at once, so a stream of
/// tokens still appears as it arrives. Not thread-safe: its owner (`OutputPrinter`) keeps it
/// under its lock, which also keeps outputs from different graph outputs whole.
struct StandardOutputBuffer: ~Copyable {
    /// Past this many bytes pending, the buffer is written without waiting for the batch to end.
    static let flushThreshold = 64 * 1024

    private var pending: [UInt8] = []
    /// Whether every append is written at once.
    let writesThrough: Bool

    /// A buffer that writes through when `writesThrough` (standard output is a terminal).
    init(writesThrough: Bool) {
        self.writesThrough = writesThrough
        pending.reserveCapacity(writesThrough ? 0 : Self.flushThreshold + 4096)
    }

    /// Whether nothing is waiting to be written.
    var isEmpty: Bool { pending.isEmpty }

    /// Adds a string's UTF-8 bytes.
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { pending.append(contentsOf: $0) }
        flushIfDue()
    }

    /// Adds bytes as they are.
    mutating func append(_ bytes: Data) {
        pending.append(contentsOf: bytes)
        flushIfDue()
    }

    /// Adds one byte (a line break, say).
    mutating func append(byte: UInt8) {
        pending.append(byte)
        flushIfDue()
    }

    /// Writes everything pending with one `write(2)` (more only if the pipe takes it in
    /// parts). A failed write ends the program as `Terminal` does: quietly for a reader that
    /// went away, with a message otherwise.
    mutating func flush() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { Terminal.writeOutput($0) }
        pending.removeAll(keepingCapacity: true)
    }

    private mutating func flushIfDue() {
        if writesThrough || pending.count >= Self.flushThreshold { flush() }
    }
}
