/// W3C Trace Context (`traceparent`, `tracestate`) on the wire.
///
/// `Artifact` has no field for trace context, so it travels as two ordinary metadata entries
/// named like the W3C HTTP headers. The codec gives them no special treatment: they are encoded,
/// limited and decoded like every other entry, and map one-to-one onto HTTP or NATS headers.
public enum WireTraceContext {
    /// Metadata key of the W3C `traceparent` header, e.g.
    /// `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`.
    public static let traceparentKey = "traceparent"
    /// Metadata key of the W3C `tracestate` header, e.g. `vendor=opaque`.
    public static let tracestateKey = "tracestate"
}
