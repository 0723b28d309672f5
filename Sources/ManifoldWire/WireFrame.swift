import Foundation
import Manifold

/// One decoded frame: an artifact, or a control message this version does not interpret.
public enum WireFrame: Sendable, Hashable {
    /// An artifact frame (kind `0x01`).
    case artifact(Artifact)
    /// Any other kind, its header and body handed on as they arrived: control messages are
    /// reserved (`0x02`–`0x7F`) but not yet defined, so the caller decides whether to ignore one.
    case control(kind: WireFrameKind, header: Data, body: Data)

    /// The frame's kind.
    public var kind: WireFrameKind {
        switch self {
        case .artifact: .artifact
        case .control(let kind, _, _): kind
        }
    }

    /// The artifact, if this is an artifact frame.
    public var artifact: Artifact? {
        if case .artifact(let artifact) = self { return artifact }
        return nil
    }
}
