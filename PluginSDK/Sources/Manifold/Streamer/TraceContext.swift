/// A W3C trace context (`traceparent`, https://www.w3.org/TR/trace-context/): which trace an
/// artifact belongs to and which span produced it.
///
/// A traced run puts one on each artifact fed to a graph input (`MetadataKey.traceParent`),
/// and each node's outputs carry the trace on, with the span of the node's processing of that
/// input as their parent. That span's id is derived from the node's name and the input's id
/// (`spanID(node:input:)`), so the node that stamps its outputs and the observer that reports
/// its span agree on it without sharing any state.
public struct TraceContext: Sendable, Hashable {
    /// 16 bytes, as 32 lowercase hex digits; never all zeros.
    public let traceID: String
    /// 8 bytes, as 16 lowercase hex digits; never all zeros.
    public let spanID: String

    /// A context; `nil` unless both ids have the right length, are lowercase hex and not all zeros.
    public init?(traceID: String, spanID: String) {
        guard Self.isID(traceID, digits: 32), Self.isID(spanID, digits: 16) else { return nil }
        self.traceID = traceID
        self.spanID = spanID
    }

    /// Reads a `traceparent` value (`00-TRACE-SPAN-FLAGS`); `nil` for a malformed one, which
    /// a traced run then replaces by a new trace. Versions above 00 are read as 00, as the
    /// specification asks.
    public init?(traceParent: String) {
        let fields = traceParent.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].count == 2, fields[0] != "ff", fields[3].count == 2,
              fields[0] != "00" || fields.count == 4,
              let context = TraceContext(traceID: String(fields[1]), spanID: String(fields[2]))
        else { return nil }
        self = context
    }

    /// The `traceparent` value, sampled (`00-TRACE-SPAN-01`).
    public var traceParent: String { "00-\(traceID)-\(spanID)-01" }

    /// A new trace, with a random trace id and `spanID` as the span that starts it.
    public static func newTrace(spanID: String) -> TraceContext {
        var generator = SystemRandomNumberGenerator()
        var traceID = ""
        repeat {
            traceID = hex(generator.next() as UInt64) + hex(generator.next() as UInt64)
        } while traceID == String(repeating: "0", count: 32)
        return TraceContext(traceID: traceID, spanID: spanID)!
    }

    /// This trace, with `spanID` as the parent of what comes next.
    public func child(spanID: String) -> TraceContext {
        TraceContext(traceID: traceID, spanID: spanID)!
    }

    /// The id of the span of `node` processing `input`: the 64-bit FNV-1a hash of both names,
    /// never zero, the same in every process.
    public static func spanID(node: String, input: ArtifactID) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in node.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3
        for byte in input.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hex(hash == 0 ? 1 : hash)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func isID(_ text: String, digits: Int) -> Bool {
        text.utf8.count == digits
            && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
            && text.utf8.contains { $0 != 48 }
    }
}
