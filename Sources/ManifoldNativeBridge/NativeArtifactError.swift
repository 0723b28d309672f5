/// Why a C artifact view could not be read.
package struct NativeArtifactError: Error, CustomStringConvertible {
    /// What is wrong with the view.
    package let reason: String

    /// Makes an error.
    package init(reason: String) {
        self.reason = reason
    }

    package var description: String { reason }
}
