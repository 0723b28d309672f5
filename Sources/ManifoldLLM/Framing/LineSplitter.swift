/// Cuts a byte stream into lines, whatever the chunk boundaries.
///
/// It works on bytes, not characters, because a network read can end inside a multi-byte UTF-8
/// sequence; lines are only decoded once they are complete.
struct LineSplitter: Sendable {
    /// Which byte sequences end a line.
    enum Endings: Sendable {
        /// CRLF, LF or a lone CR, as the SSE specification requires.
        case crLFOrCR
        /// LF only; a CR right before it is dropped (CRLF files), any other CR is content.
        case lf
    }

    private let endings: Endings
    private let maxLineBytes: Int
    private var line: [UInt8] = []
    /// The previous chunk ended in CR: an LF opening the next chunk belongs to that line break.
    private var lastWasCR = false

    init(endings: Endings, maxLineBytes: Int) {
        self.endings = endings
        self.maxLineBytes = maxLineBytes
    }

    /// Adds bytes and returns the lines they completed, without their terminators.
    mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(FramingError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in bytes {
            switch (endings, byte) {
            case (.crLFOrCR, UInt8(ascii: "\n")):
                if lastWasCR {
                    lastWasCR = false
                } else {
                    lines.append(line)
                    line.removeAll(keepingCapacity: true)
                }
            case (.crLFOrCR, UInt8(ascii: "\r")):
                lines.append(line)
                line.removeAll(keepingCapacity: true)
                lastWasCR = true
            case (.lf, UInt8(ascii: "\n")):
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                lines.append(line)
                line.removeAll(keepingCapacity: true)
            default:
                lastWasCR = false
                guard line.count < maxLineBytes else { throw .lineTooLong(limit: maxLineBytes) }
                line.append(byte)
            }
        }
        return lines
    }

    /// Ends the input; returns the last line if it had no terminator.
    mutating func finish() -> [UInt8]? {
        defer {
            line = []
            lastWasCR = false
        }
        if endings == .lf, line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line.isEmpty ? nil : line
    }
}
