import CManifoldABI
import Manifold

extension Artifact {
    /// Passes the artifact to `body` as a view that is *given* to the receiver (`emit`,
    /// `next`, a source's `emit`), which copies what it keeps before returning; returns
    /// what `body` returns (the receiver's status).
    ///
    /// A payload of at most `NativeArtifactView.inlinePayloadLimit` bytes is laid out with
    /// the rest of the view in a temporary buffer (on the stack when small) and lent: its
    /// `release` is NULL, so the receiver copies the bytes, and nothing is allocated or
    /// reference counted for the view. A larger payload is lent from a `NativeArtifactView`
    /// whose one reference passes to the receiver, so its bytes are never copied.
    ///
    /// Not generic, and so specialised here, once: a generic body made every call instantiate
    /// the temporary allocation's metadata.
    public func withOutputView(_ body: (UnsafePointer<manifold_artifact>) -> manifold_status) -> manifold_status {
        guard payload.count <= NativeArtifactView.inlinePayloadLimit else {
            let view = NativeArtifactView(self)
            view.retainForTransfer()
            return withExtendedLifetime(view) { body(view.pointer) }
        }
        let layout = ArtifactLayout(self, copiesPayload: true)
        return withUnsafeTemporaryAllocation(byteCount: layout.size, alignment: ArtifactLayout.alignment) { buffer in
            body(UnsafePointer(layout.write(self, into: buffer.baseAddress!)))
        }
    }
}
