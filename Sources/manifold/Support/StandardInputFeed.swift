import Foundation
import Manifold
import ManifoldHost
import Synchronization

/// Standard input as a graph input's feed: each line as its own artifact (`--lines`), or all
/// of it as one. Both read through a `StandardInputReader`, so the run starts at once (and
/// `--timeout` and Ctrl-C work while input is still being read) and a stop reads no further.
enum StandardInputFeed {
    /// Each line as an artifact of `type`, as lines arrive. A batch is every whole line of
    /// one chunk read; at the end of input, an unterminated last line is an artifact too.
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
    private let pending = Mutex(Data())

    /// The lines `chunk` completes; what follows the last line break waits for the next chunk.
    func split(_ chunk: Data) -> [Data] {
        pending.withLock { pending in
            var lines: [Data] = []
            var start = chunk.startIndex
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                var line = pending.isEmpty ? Data() : pending
                pending = Data()
                line.append(chunk[start..<newline])
                lines.append(Self.decoded(line))
                start = chunk.index(after: newline)
            }
            pending.append(chunk[start...])
            return lines
        }
    }

    /// The unterminated last line, if any bytes are left.
    func takeRest() -> Data? {
        pending.withLock { pending in
            defer { pending = Data() }
            return pending.isEmpty ? nil : Self.decoded(pending)
        }
    }

    /// A line without its `\r\n` or `\n`, as valid UTF-8.
    private static func decoded(_ line: Data) -> Data {
        var line = line
        if line.last == 0x0D { line.removeLast() }
        return Data(String(decoding: line, as: UTF8.self).utf8)
    }
}
