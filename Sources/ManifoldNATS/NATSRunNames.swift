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
        "\(Self.safeName(subscription, allowed: { NATSSubjects.isToken(String($0)) }))-\(index)"
    }

    /// The key-value bucket where each process of the run registers the nodes it runs, with
    /// their ports: `MANIFOLD_PORTS_<graph>_<run>`.
    public var portRegistry: String { "MANIFOLD_PORTS_" + stream.dropFirst("MANIFOLD_".count) }

    /// A key of the port registry made of `parts`, one token each: characters a key cannot
    /// have become `_`, and such a part gains a hash of the whole, so two parts never meet.
    public static func registryKey(_ parts: [String]) -> String {
        parts.map { part in
            safeName(part.isEmpty ? "_" : part, allowed: { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") })
        }.joined(separator: ".")
    }

    /// `name` with each character `allowed` refuses made `_`, and then a hash of `name` (FNV-1a).
    private static func safeName(_ name: String, allowed: (Unicode.Scalar) -> Bool) -> String {
        var safe = String(name.unicodeScalars.map { scalar -> Character in allowed(scalar) ? Character(scalar) : "_" })
        if safe != name {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in name.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01B3
            }
            safe += "_" + String(hash, radix: 36)
        }
        return safe
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
