/// Which artifacts of a node a middleware works on.
public enum MiddlewareSide: String, Decodable, Sendable, Hashable, CaseIterable {
    /// The inputs, before the generator sees them.
    case inputs
    /// The outputs, before they leave the node.
    case outputs
    /// Both.
    case both

    /// Whether inputs are covered.
    public var coversInputs: Bool { self != .outputs }
    /// Whether outputs are covered.
    public var coversOutputs: Bool { self != .inputs }
}
