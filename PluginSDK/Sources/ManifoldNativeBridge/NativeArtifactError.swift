/// Why a C artifact view could not be read.
public struct NativeArtifactError: Error, CustomStringConvertible {
    /// What is wrong with the view.
    public let reason: String

    /// Makes an error.
    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
