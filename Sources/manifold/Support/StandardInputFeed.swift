import Foundation
import Manifold
import ManifoldHost
import Synchronization

/// Standard input as a graph input's feed: each line as its own artifact (`--lines`), or all
/// of it as one. Both read through a `StandardInputReader`, so the run starts at once (and
/// `--timeout` and Ctrl-C work while input is still being read) and a stop reads no further.
enum StandardInputFeed {
    /// Each line as an artifact of `type`, as lines arrive. A batch is every whole line of
    /// one chunk read (up to `StandardInputReader.chunkSize` bytes), published at once; at the end of input, an unterminated last line is an artifact too.
    /// Lines end at `\n` (a `\r` before it is dropped) and are decoded as UTF-8, invalid
    /// bytes replaced.
    static func lines(into input: String, type: ArtifactType, reader: StandardInputReader) -> GraphInputFeed {
        let partial = PartialLine()
        return GraphInputFeed(
            input: input,
            next: {
                while let chunk = await reader.next() {
                    let lines = partial.split(chunk)
                    if !lines.isEmpty { return lines.map { Artifact(type: type, payload: $0) } }
                }
                // A stop ends the feed at a line boundary; the end of input ends the last line.
                guard !reader.isStopped, reader.failure == nil, let last = partial.takeRest() else { return nil }
                return [Artifact(type: type, payload: last)]
            },
            stop: { reader.stop() })
    }

    /// All of standard input as one artifact of `type`, once it has ended; nothing after a stop.
    static func whole(into input: String, type: ArtifactType, reader: StandardInputReader) -> GraphInputFeed {
        let done = Mutex(false)
        return GraphInputFeed(
            input: input,
            next: {
                guard !done.withLock({ $0 }) else { return nil }
                var text = Data()
                while let chunk = await reader.next() { text.append(chunk) }
                done.withLock { $0 = true }
                guard !reader.isStopped, reader.failure == nil else { return nil }
                return [Artifact(type: type, payload: text)]
            },
            stop: { reader.stop() })
    }
}

/// The bytes of a line not yet ended, between chunks. Used by one task at a time (a feed's
/// `next`), behind a lock only to be shareable.
private final class PartialLine: Sendable {
    private let pending = Mutex([UInt8]())

    /// The lines `chunk` completes; what follows the last line break waits for the next chunk.
    ///
    /// One pass over the bytes: `memchr` finds each line break, a chunk without a byte above
    /// 0x7F (all ASCII, so valid UTF-8) has its lines copied as they are, and only a chunk
    /// with other bytes has each line checked, and repaired when it is not valid UTF-8.
    func split(_ chunk: Data) -> [Data] {
        chunk.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> [Data] in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return [] }
            let isASCII = Self.isASCII(bytes)
            return pending.withLock { pending in
                var lines: [Data] = []
                var start = 0
                while start < bytes.count, let found = memchr(base + start, 0x0A, bytes.count - start) {
                    let newline = base.distance(to: found)
                    if pending.isEmpty {
                        lines.append(Self.line(UnsafeRawBufferPointer(rebasing: bytes[start..<newline]), isASCII: isASCII))
                    } else {
                        pending.append(contentsOf: bytes[start..<newline])
                        lines.append(pending.withUnsafeBytes { Self.line($0, isASCII: false) })
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = newline + 1
                }
                pending.append(contentsOf: bytes[start...])
                return lines
            }
        }
    }

    /// The unterminated last line, if any bytes are left.
    func takeRest() -> Data? {
        pending.withLock { pending in
            defer { pending = [] }
            return pending.isEmpty ? nil : pending.withUnsafeBytes { Self.line($0, isASCII: false) }
        }
    }

    /// A line without its `\r\n` or `\n`, as valid UTF-8 (invalid bytes replaced by U+FFFD).
    private static func line(_ bytes: UnsafeRawBufferPointer, isASCII: Bool) -> Data {
        var bytes = bytes
        if bytes.last == 0x0D { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        if isASCII || Self.isValidUTF8(bytes) { return Data(bytes) }
        return Data(String(decoding: bytes, as: UTF8.self).utf8)
    }

    /// Whether no byte is above 0x7F, eight bytes at a time.
    private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var highBits: UInt64 = 0
        while index + 8 <= bytes.count {
            highBits |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            highBits |= UInt64(bytes[index])
            index += 1
        }
        return highBits & 0x8080_8080_8080_8080 == 0
    }

    private static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
