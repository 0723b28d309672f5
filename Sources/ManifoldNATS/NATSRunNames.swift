import Manifold

/// The names a run has on a NATS server: its stream, and one durable consumer per subscription
/// pattern. Every process of the run derives them from the graph, so they agree without asking.
public struct NATSRunNames: Sendable, Hashable {
    /// The run's subjects.
    public let subjects: NATSSubjects
    /// The JetStream stream keeping every subject of the run: `MANIFOLD_<graph>_<run>`.
    public let stream: String

    /// The names of the run whose subjects are `subjects`.
    public init(subjects: NATSSubjects) {
        self.subjects = subjects
        stream = "MANIFOLD_" + subjects.prefix.dropFirst("manifold.".count).replacingOccurrences(of: ".", with: "_")
    }

    /// The consumer of the `index`-th pattern of the subscription named `subscription` (the
    /// patterns, then `$broadcast`). A name with characters a consumer name cannot have keeps
    /// the others and gains a hash of the whole, so two names never share a consumer.
    public func consumer(subscription: String, index: Int) -> String {
        var safe = String(subscription.unicodeScalars.map { scalar -> Character in
            NATSSubjects.isToken(String(scalar)) ? Character(scalar) : "_"
        })
        if safe != subscription {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in subscription.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01B3
            }
            safe += "_" + String(hash, radix: 36)
        }
        return "\(safe)-\(index)"
    }

    /// The consumers of a subscription, with their subjects: one per pattern, one for `$broadcast`.
    public func consumers(of interest: TopicInterest) -> [(name: String, subject: String)] {
        let subjectsHeard = interest.patterns.map { subjects.subject(for: $0) } + [subjects.subject(for: .broadcast)]
        return subjectsHeard.enumerated().map { (consumer(subscription: interest.name, index: $0.offset), $0.element) }
    }
}

extension NATSSubjects {
    /// The subject (with NATS wildcards) of a topic pattern.
    public func subject(for pattern: TopicPattern) -> String {
        "\(prefix).\(pattern.text)"
    }
}
