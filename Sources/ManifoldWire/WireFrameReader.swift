import Foundation
import Manifold

/// Reads frames one after another from a byte stream delivered in chunks of any size: a read
/// may end anywhere, even inside the prefix, and one chunk may hold many frames.
///
/// ```swift
/// var reader = WireFrameReader()
/// while let chunk = try await socket.read() {
///     reader.append(chunk)
///     while let frame = try reader.next() { handle(frame) }
/// }
/// try reader.finish()  // the stream ended: was a frame cut off?
/// ```
///
/// Memory stays bounded when `next()` is called after each `append`: a frame's prefix is
/// checked against the limits as soon as its bytes arrive, so the reader holds at most one
/// frame within the limits plus the chunk it was last given. Each payload is copied once, out
/// of the reader's buffer.
///
/// After `next()` throws, the stream cannot be resynchronised (a bad length makes every later
/// boundary a guess): the reader keeps throwing that error, and the connection should be closed.
public struct WireFrameReader: Sendable {
    /// The limits every frame is checked against.
    public let limits: WireLimits
    private var buffer: [UInt8] = []
    /// Where the next frame starts in `buffer`; bytes before it are consumed.
    private var start = 0
    private var failure: WireError?

    /// Consumed bytes are dropped from the front of the buffer only once they are at least
    /// this many and at least half of it, so the moves cost O(1) per byte read.
    private static let compactionThreshold = 64 * 1024
    /// Most buffer capacity kept once the buffer is empty.
    private static let retainedCapacity = 1 << 20

    /// A reader enforcing `limits`.
    public init(limits: WireLimits = .default) {
        self.limits = limits
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        // Contiguous inputs ([UInt8], Data, slices) are copied in one go, not byte by byte
        // through this unspecialised generic.
        let copied: Void? = bytes.withContiguousStorageIfAvailable { buffer.append(contentsOf: UnsafeRawBufferPointer($0)) }
        if copied == nil { buffer.append(contentsOf: bytes) }
    }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, or `nil` when more bytes are needed.
    ///
    /// - Throws: `WireError` as soon as the buffered bytes cannot start or make a valid frame,
    ///   without waiting for the rest of a frame that is already known to be refused.
    public mutating func next() throws(WireError) -> WireFrame? {
        if let failure { throw failure }
        do {
            let frame = try decodeNext()
            compactIfWorthwhile()
            return frame
        } catch {
            failure = error
            throw error
        }
    }

    /// The next artifact, skipping control frames; `nil` when more bytes are needed.
    public mutating func nextArtifact() throws(WireError) -> Artifact? {
        while let frame = try next() {
            if case .artifact(let artifact) = frame { return artifact }
        }
        return nil
    }

    /// Call when the stream has ended.
    ///
    /// - Throws: the reader's earlier error, or `WireError.truncated` when the stream ended
    ///   inside a frame (unread whole frames are not an error: call `next()` first).
    public func finish() throws(WireError) {
        if let failure { throw failure }
        let available = bufferedByteCount
        guard available > 0 else { return }
        let start = self.start
        let limits = self.limits
        let result = buffer.withUnsafeBytes { raw -> Result<Int, WireError> in
            Result { () throws(WireError) -> Int in
                let pending = UnsafeRawBufferPointer(rebasing: raw[start...])
                return try WireFramePrefix.read(pending, limits: limits)?.frameSize ?? WireFormat.prefixSize
            }
        }
        let needed = try result.get()
        if available < needed {
            throw .truncated(needed: needed, available: available)
        }
    }

    private mutating func decodeNext() throws(WireError) -> WireFrame? {
        let start = self.start
        let limits = self.limits
        let result = buffer.withUnsafeBytes { raw -> Result<(WireFrame, Int)?, WireError> in
            Result { () throws(WireError) -> (WireFrame, Int)? in
                let pending = UnsafeRawBufferPointer(rebasing: raw[start...])
                guard let prefix = try WireFramePrefix.read(pending, limits: limits),
                    pending.count >= prefix.frameSize
                else { return nil }
                let frame = UnsafeRawBufferPointer(rebasing: pending[0..<prefix.frameSize])
                return (try prefix.decodeFrame(frame, limits: limits), prefix.frameSize)
            }
        }
        guard let (frame, size) = try result.get() else { return nil }
        self.start += size
        return frame
    }

    private mutating func compactIfWorthwhile() {
        if start == buffer.count {
            // Keep a small buffer for the next frames; give back what one large frame grew.
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.retainedCapacity)
            start = 0
        } else if start >= Self.compactionThreshold && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }
}
