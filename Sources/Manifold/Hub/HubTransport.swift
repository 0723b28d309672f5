/// How published artifacts travel from publishers to the hubs that hold subscriptions.
///
/// The in-process transport hands them straight to the local router. A broker transport
/// (NATS, later) publishes them to the broker and feeds what the broker delivers into
/// `LocalDelivery` on every machine; the hub's API and its subscribers do not change.
public protocol HubTransport: Sendable {
    /// Sends artifacts published to `topic` towards every subscriber.
    ///
    /// - Parameter local: the delivery into this process's subscriptions.
    /// - Returns: what became of the artifacts, as far as the transport can tell.
    func publish(_ artifacts: [Artifact], to topic: Topic, local: LocalDelivery) async throws -> DeliveryReport

    /// Releases the transport's connections. Called once, by `Hub.shutdown()`.
    func shutdown() async
}

/// The handle a transport uses to deliver artifacts into this process's subscriptions.
public struct LocalDelivery: Sendable {
    let router: LocalRouter

    /// Delivers artifacts published to `topic` to every local subscription that listens.
    public func deliver(_ artifacts: [Artifact], to topic: Topic) async throws -> DeliveryReport {
        try await router.deliver(artifacts, to: topic)
    }
}

/// The transport of a hub whose publishers and subscribers share one process.
public struct InProcessTransport: HubTransport {
    /// Makes the transport.
    public init() {}

    public func publish(_ artifacts: [Artifact], to topic: Topic, local: LocalDelivery) async throws -> DeliveryReport {
        try await local.deliver(artifacts, to: topic)
    }

    public func shutdown() async {}
}
