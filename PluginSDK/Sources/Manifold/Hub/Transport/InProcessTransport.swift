/// The transport of a hub alone in its process: publishing is local delivery, nobody else
/// hears anything, and idle means nothing in flight here.
///
/// One instance serves one hub (`HubOptions()` makes a new one for each).
public final class InProcessTransport: HubTransport {
    private let endpoint = AttachOnce<TransportEndpoint>()

    /// Makes the transport.
    public init() {}

    public func attach(_ endpoint: TransportEndpoint) {
        self.endpoint.set(endpoint, by: "in-process transport")
    }

    public func publish(_ artifacts: [Artifact], to topic: Topic) async throws -> DeliveryReport {
        try await endpoint.value.deliverPublished(artifacts, to: topic, audience: .nobody)
    }

    public func interestAdded(_ interest: TopicInterest) {}

    public func interestRemoved(_ interest: TopicInterest) {}

    public func remoteAudience(for topic: Topic) -> RemoteAudience { .nobody }

    public func waitUntilIdle() async {
        await endpoint.value.waitUntilLocallyIdle()
    }

    public func shutdown() async {}
}
