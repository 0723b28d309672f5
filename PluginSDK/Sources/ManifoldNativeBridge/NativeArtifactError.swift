/// Why a C artifact view could not be read.
public struct NativeArtifactError: Error, CustomStringConvertible {
    /// What is wrong with the view.
    public let reason: String
    /// What the writer of the view should change.
    public let fix: String

    /// Makes an error.
    public init(reason: String, fix: String = "fill the manifold_artifact as manifold/artifact.h describes") {
        self.reason = reason
        self.fix = fix
    }

    public var description: String { reason }
}
