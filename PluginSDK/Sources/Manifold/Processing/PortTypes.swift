/// The artifact types a generator or middleware takes and emits.
public struct PortTypes: Sendable, Hashable, CustomStringConvertible {
    /// Types accepted on input.
    public var inputs: ArtifactTypeSet
    /// Types it may emit.
    public var outputs: ArtifactTypeSet

    /// Declares input and output types.
    public init(inputs: ArtifactTypeSet, outputs: ArtifactTypeSet) {
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Takes and emits anything (`*/*` → `*/*`).
    public static let any = PortTypes(inputs: .any, outputs: .any)

    public var description: String { "\(inputs) → \(outputs)" }
}
