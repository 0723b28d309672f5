import Synchronization

/// The last lines a server wrote on its standard error, kept in the order it wrote them, for
/// the message that says why it failed.
final class ServerErrorTail: Sendable {
    /// How many lines are kept.
    static let kept = 5

    private let lines = Mutex<[String]>([])

    /// Keeps `line`, forgetting the oldest beyond `kept`. Called from the one task that reads
    /// the server's standard error, so the order is the server's.
    func append(_ line: String) {
        lines.withLock { lines in
            lines.append(line)
            if lines.count > Self.kept { lines.removeFirst(lines.count - Self.kept) }
        }
    }

    /// `; its last words on standard error: a | b`, or nothing when it wrote none.
    var summary: String {
        let lines = lines.withLock { $0 }
        return lines.isEmpty ? "" : "; its last words on standard error: " + lines.joined(separator: " | ")
    }
}
