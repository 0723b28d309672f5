import CManifoldABI
import Foundation
import Manifold

/// A type already parsed, with the text it was read from (e.g. in the input's view): an
/// artifact read with it whose type has the same bytes takes it instead of parsing again.
public struct KnownArtifactType {
    /// The text, valid while the artifact is read.
    public let text: manifold_str
    /// The type that text stands for.
    public let type: ArtifactType

    /// Pairs a type with its text; `text` must be what `type` was parsed from or prints as.
    public init(text: manifold_str, type: ArtifactType) {
        self.text = text
        self.type = type
    }

    func matches(_ other: manifold_str) -> Bool {
        guard other.length == text.length, other.length > 0, let mine = text.data, let theirs = other.data else { return false }
        return mine == theirs || memcmp(mine, theirs, text.length) == 0
    }
}
