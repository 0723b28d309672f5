import Manifold

/// Where a run's topics live on a NATS server: `manifold.<graph>.<run>.<topic>`, one subject
/// per topic, so runs of the same graph (and different graphs) never hear each other.
///
/// Topic names are dot-separated tokens like NATS subjects, so a topic is its subject's tail
/// as it is, and the wildcards of topic patterns (`*`, `>`) are NATS's.
public struct NATSSubjects: Sendable, Hashable {
    /// `manifold.<graph>.<run>`.
    public let prefix: String

    /// The subjects of run `run` of graph `graph`.
    ///
    /// - Throws: `NATSSubjectsError` when either is not one subject token (letters, digits,
    ///   `-` and `_`).
    public init(graph: String, run: String) throws(NATSSubjectsError) {
        for (what, token) in [("graph name", graph), ("run id", run)] where !Self.isToken(token) {
            throw NATSSubjectsError(what: what, value: token)
        }
        prefix = "manifold.\(graph).\(run)"
    }

    /// The subject of `topic`.
    public func subject(for topic: Topic) -> String {
        "\(prefix).\(topic.name)"
    }

    /// Every subject of the run.
    public var all: String { "\(prefix).>" }

    /// The topic a subject of this run stands for; `nil` for a subject outside the run or one
    /// that is no topic name.
    public func topic(ofSubject subject: String) -> Topic? {
        // Bytes, not characters: this runs for every message a reader takes.
        let bytes = subject.utf8
        let prefixLength = prefix.utf8.count
        guard bytes.count > prefixLength + 1, bytes.starts(with: prefix.utf8),
            bytes[bytes.index(bytes.startIndex, offsetBy: prefixLength)] == UInt8(ascii: ".")
        else { return nil }
        return try? Topic(String(Substring(bytes.dropFirst(prefixLength + 1))))
    }

    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }
}

/// A graph name or run id that cannot be one token of a NATS subject.
public struct NATSSubjectsError: Error, CustomStringConvertible, Sendable {
    public let what: String
    public let value: String

    public var description: String {
        "the \(what) \"\(value)\" cannot be part of a NATS subject; use letters, digits, '-' and '_' only"
    }
}
