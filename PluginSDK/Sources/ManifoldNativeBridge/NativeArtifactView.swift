import CManifoldABI
import Foundation
import Manifold

/// A `manifold_artifact` laid out in one heap block: what the host hands a plugin as input,
/// and what a Swift plugin hands the host as an output too large to copy.
///
/// One allocation holds the struct, the metadata array and every string, so the view stays
/// valid for as long as this object lives. The view is also the payload's owner: its
/// `retain`/`release` keep this object (and with it the bytes) alive, so a plugin can keep
/// or forward the payload without copying it. Payloads up to `inlinePayloadLimit` bytes are
/// copied into the block (cheaper than lending them); larger ones are lent straight from the
/// artifact's `Data`, which this object keeps.
public final class NativeArtifactView {
    /// Payloads of at most this many bytes are copied into the view's block; larger ones are
    /// lent. Copying 512 bytes costs about what the reference counting of a loan costs.
    public static let inlinePayloadLimit = 512

    /// The view; valid while this object lives (and until `rewrite`).
    public var pointer: UnsafePointer<manifold_artifact> {
        UnsafePointer(block.assumingMemoryBound(to: manifold_artifact.self))
    }
    /// The artifact's payload; the view's bytes point into it when it was lent.
    public private(set) var payload: Data
    private var block: UnsafeMutableRawPointer
    private var capacity: Int

    /// Lays `artifact` out as a C view.
    public init(_ artifact: Artifact) {
        payload = artifact.payload
        let layout = ArtifactLayout(artifact, copiesPayload: artifact.payload.count <= Self.inlinePayloadLimit)
        capacity = max(layout.size, 1)
        block = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: ArtifactLayout.alignment)
        finish(layout, artifact)
    }

    /// Lays `artifact` out in this object's block instead, growing it only when too small:
    /// the host keeps one view per call it recycles, so a steady stream of inputs allocates
    /// nothing here.
    ///
    /// Only when nothing else can reach the view any more: the caller checks that it holds
    /// the only reference (`isKnownUniquelyReferenced`), i.e. no receiver kept the payload.
    public func rewrite(_ artifact: Artifact) {
        payload = artifact.payload
        let layout = ArtifactLayout(artifact, copiesPayload: artifact.payload.count <= Self.inlinePayloadLimit)
        if layout.size > capacity {
            block.deallocate()
            capacity = layout.size
            block = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: ArtifactLayout.alignment)
        }
        finish(layout, artifact)
    }

    private func finish(_ layout: ArtifactLayout, _ artifact: Artifact) {
        let header = layout.write(artifact, into: block)
        if !layout.copiesPayload {
            // A payload this large lives in heap storage that the `Data` this object holds
            // keeps alive and, being shared, never moves (a mutation elsewhere copies it).
            header.pointee.payload.data = payload.withUnsafeBytes { $0.baseAddress?.assumingMemoryBound(to: UInt8.self) }
        }
        header.pointee.payload.owner = Unmanaged.passUnretained(self).toOpaque()
        header.pointee.payload.retain = nativeViewRetain
        header.pointee.payload.release = nativeViewRelease
    }

    deinit {
        block.deallocate()
    }

    /// Adds the reference that passing the view *to* a receiver transfers (`emit`, `next`):
    /// the receiver releases it once it no longer needs the payload.
    public func retainForTransfer() {
        _ = Unmanaged.passUnretained(self).retain()
    }

    /// The `Data` behind `payload`, when the payload is exactly the bytes of a view made by
    /// this very image (a plugin forwarding its input): the host then reuses its own storage.
    static func ownPayload(of payload: manifold_payload) -> Data? {
        guard let owner = payload.owner, isOwnRelease(payload.release) else { return nil }
        let view = Unmanaged<NativeArtifactView>.fromOpaque(owner).takeUnretainedValue()
        let own = view.pointer.pointee.payload
        guard own.data == payload.data, own.length == payload.length else { return nil }
        return view.payload
    }

    static func isOwnRelease(_ release: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?) -> Bool {
        guard let release else { return false }
        return unsafeBitCast(release, to: UnsafeRawPointer.self) == unsafeBitCast(nativeViewRelease, to: UnsafeRawPointer.self)
    }
}

private let nativeViewRetain: @convention(c) (UnsafeMutableRawPointer?) -> Void = { owner in
    guard let owner else { return }
    _ = Unmanaged<NativeArtifactView>.fromOpaque(owner).retain()
}

private let nativeViewRelease: @convention(c) (UnsafeMutableRawPointer?) -> Void = { owner in
    guard let owner else { return }
    Unmanaged<NativeArtifactView>.fromOpaque(owner).release()
}
