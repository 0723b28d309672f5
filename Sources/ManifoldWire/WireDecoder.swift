import Foundation
import Manifold

/// Decodes one whole frame held in memory (a NATS message, a journal record). For a byte
/// stream, where a read may end anywhere, use `WireFrameReader`.
///
/// The payload is copied once out of the frame into its own `Data`, indexed from 0. Handing
/// out a slice of the input instead would save that copy (~1.7 µs for 64 KiB) but give a
/// payload whose indices start at 18 + header length, which breaks every `payload[0]`, and
/// would keep the whole input alive as long as the artifact.
///
/// Measured with `Benchmarks/Sources/manifold-wire-probe` (release, 2-core VM, medians of 7
/// rounds, same artifact as `WireEncoder`'s figures): **1.5 µs** to decode one with a 16-byte
/// payload (its strings, the metadata dictionary and the type parse are most of it; 0.09× of
/// JSONDecoder on the same envelope), **4.4 µs** with a 64 KiB payload (2.0× copying the
/// payload alone). Caveat found while measuring: on this CPU a 64 KiB
/// copy whose destination lies 16 bytes past a 4 KiB multiple from its source runs at ~25 µs
/// instead of ~2 µs (4K aliasing in `memmove`), which the allocator's address reuse made
/// happen for a `Data` input and inside `WireFrameReader`; any 64 KiB copy can hit it.
public struct WireDecoder: Sendable {
    /// The limits every claimed size is checked against before anything is allocated.
    public var limits: WireLimits

    /// A decoder enforcing `limits`.
    public init(limits: WireLimits = .default) {
        self.limits = limits
    }

    /// Decodes `bytes`, which must be exactly one frame.
    ///
    /// - Throws: `WireError.truncated` when `bytes` end inside the frame;
    ///   `.malformedField("frame", …)` when bytes follow it; otherwise whatever the frame breaks.
    public func decodeFrame(_ bytes: some ContiguousBytes) throws(WireError) -> WireFrame {
        let limits = self.limits
        let result = bytes.withUnsafeBytes { raw -> Result<WireFrame, WireError> in
            Result { () throws(WireError) -> WireFrame in
                guard let prefix = try WireFramePrefix.read(raw, limits: limits) else {
                    throw .truncated(needed: WireFormat.prefixSize, available: raw.count)
                }
                guard raw.count >= prefix.frameSize else {
                    throw .truncated(needed: prefix.frameSize, available: raw.count)
                }
                guard raw.count == prefix.frameSize else {
                    throw .malformedField(
                        name: "frame",
                        reason: "\(raw.count - prefix.frameSize) bytes follow the end of the frame; "
                            + "read a stream of frames with WireFrameReader")
                }
                return try prefix.decodeFrame(raw, limits: limits)
            }
        }
        return try result.get()
    }

    /// Decodes `bytes`, which must be exactly one artifact frame.
    ///
    /// - Throws: as `decodeFrame(_:)`, and `WireError.unexpectedFrameKind` for a control frame.
    public func decodeArtifact(_ bytes: some ContiguousBytes) throws(WireError) -> Artifact {
        switch try decodeFrame(bytes) {
        case .artifact(let artifact): return artifact
        case .control(let kind, _, _): throw .unexpectedFrameKind(kind)
        }
    }
}
