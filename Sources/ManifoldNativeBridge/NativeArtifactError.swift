/// Why a C artifact view could not be read.
package struct NativeArtifactError: Error, CustomStringConvertible {
    /// What is wrong with the view.
    package let reason: String
    /// What the writer of the view should change.
    package let fix: String

    /// Makes an error.
    package init(reason: String, fix: String = "fill the manifold_artifact as manifold/artifact.h describes") {
        self.reason = reason
        self.fix = fix
    }

    package var description: String { reason }
}
