import Foundation

/// Splits a byte stream into lines (`\n`, with a `\r` before it dropped), never holding more
/// than `maximumLength` bytes of an unfinished line.
///
/// The MCP stdio transport is one JSON-RPC message per line; a server that writes a line past
/// the limit is misbehaving, and the framer says so instead of growing without bound.
struct LineFramer {
    let maximumLength: Int
    private var pending: [UInt8] = []
    private var skippingOverlongLine = false
    /// Lines cut at the limit since the framer was made.
    private(set) var overlongLines = 0

    init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    /// Appends `bytes` and returns the lines they complete, without their terminators. A line
    /// over the limit comes out cut at it, once, and is counted in `overlongLines`.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> [Data] {
        var lines: [Data] = []
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            take(bytes, from: start, to: index, into: &lines, ended: true)
            start = index + 1
        }
        take(bytes, from: start, to: bytes.count, into: &lines, ended: false)
        return lines
    }

    /// The unfinished last line, if the stream ended without a newline.
    mutating func finish() -> Data? {
        defer {
            pending = []
            skippingOverlongLine = false
        }
        return pending.isEmpty || skippingOverlongLine ? nil : Data(trimmed(pending[...]))
    }

    private mutating func take(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, into lines: inout [Data], ended: Bool) {
        if skippingOverlongLine {
            if ended { skippingOverlongLine = false }
            return
        }
        let room = maximumLength - pending.count
        let count = end - start
        if count > room {
            pending.append(contentsOf: bytes[start..<(start + room)])
            lines.append(Data(pending))
            pending = []
            overlongLines += 1
            skippingOverlongLine = !ended
            return
        }
        pending.append(contentsOf: bytes[start..<end])
        if ended {
            if !pending.isEmpty { lines.append(Data(trimmed(pending[...]))) }
            pending = []
        }
    }

    private func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == UInt8(ascii: "\r") ? line.dropLast() : line
    }
}
