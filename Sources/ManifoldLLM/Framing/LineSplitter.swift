/// Cuts a byte stream into lines, whatever the chunk boundaries.
///
/// It works on bytes, not characters, because a network read can end inside a multi-byte UTF-8
/// sequence; lines are only decoded once they are complete. A line that lies whole inside one
/// chunk is handed out in place; only a line cut by a chunk boundary is copied, so a stream of
/// small events costs no allocation per line.
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
    /// The start of a line whose end has not arrived yet.
    private var carry: [UInt8] = []
    /// The previous chunk ended in CR: an LF opening the next chunk belongs to that line break.
    private var lastWasCR = false

    init(endings: Endings, maxLineBytes: Int) {
        self.endings = endings
        self.maxLineBytes = maxLineBytes
    }

    /// Adds bytes and calls `line` with each line they complete, without its terminator; the
    /// buffer is valid only during the call. Lines completed before a line too long are
    /// handed out before the error is thrown.
    mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes, line: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let fed: Void? = try bytes.withContiguousStorageIfAvailable { try feed(contiguous: $0, line: line) }
        if fed == nil {
            try Array(bytes).withUnsafeBufferPointer { try feed(contiguous: $0, line: line) }
        }
    }

    private mutating func feed(contiguous bytes: UnsafeBufferPointer<UInt8>, line: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var start = 0
        if lastWasCR, !bytes.isEmpty, bytes[0] == UInt8(ascii: "\n") { start = 1 }
        if !bytes.isEmpty { lastWasCR = false }
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            let endsLine = byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && endings == .crLFOrCR)
            guard endsLine else {
                index += 1
                continue
            }
            var end = index
            if endings == .lf, byte == UInt8(ascii: "\n") {
                // Content up to here counts against the limit, the CR before the LF included.
                try checkLength(carry.count + end - start)
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") {
                    end -= 1
                } else if end == start, carry.last == UInt8(ascii: "\r") {
                    carry.removeLast()
                }
            } else {
                try checkLength(carry.count + end - start)
            }
            try emit(UnsafeBufferPointer(rebasing: bytes[start..<end]), line: line)
            index += 1
            if byte == UInt8(ascii: "\r") {
                if index < bytes.count {
                    if bytes[index] == UInt8(ascii: "\n") { index += 1 }
                } else {
                    lastWasCR = true
                }
            }
            start = index
        }
        try checkLength(carry.count + bytes.count - start)
        carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    }

    private func checkLength(_ count: Int) throws(FramingError) {
        guard count <= maxLineBytes else { throw .lineTooLong(limit: maxLineBytes) }
    }

    private mutating func emit(_ tail: UnsafeBufferPointer<UInt8>, line: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard !carry.isEmpty else { return try line(tail) }
        carry.append(contentsOf: tail)
        defer { carry.removeAll(keepingCapacity: true) }
        try carry.withUnsafeBufferPointer { try line($0) }
    }

    /// Ends the input; returns the last line if it had no terminator.
    mutating func finish() -> [UInt8]? {
        defer {
            carry = []
            lastWasCR = false
        }
        if endings == .lf, carry.last == UInt8(ascii: "\r") { carry.removeLast() }
        return carry.isEmpty ? nil : carry
    }
}
