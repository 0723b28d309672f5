/// An artifact a broker keeps until it is acknowledged, as its transport hands it to a hub:
/// with what to do once the subscription's reader has finished with it, or gives it back.
public struct AcknowledgedDelivery: Sendable {
    /// The artifact.
    public var artifact: Artifact
    /// Runs once the reader has settled it (acknowledge it to the broker).
    public var onSettled: @Sendable () -> Void
    /// Runs instead when the reader stops before processing it (give it to another reader).
    public var onGivenBack: @Sendable () -> Void

    /// A delivery.
    public init(_ artifact: Artifact, onSettled: @escaping @Sendable () -> Void, onGivenBack: @escaping @Sendable () -> Void) {
        self.artifact = artifact
        self.onSettled = onSettled
        self.onGivenBack = onGivenBack
    }
}
