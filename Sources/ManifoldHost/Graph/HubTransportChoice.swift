import Manifold
import ManifoldManifest

extension HubSettings.Transport {
    /// A new transport of this kind for one hub.
    ///
    /// The manifest parser knows the names; this is where each name meets its implementation,
    /// so a new transport is one case here and one in `HubSettings.Transport`.
    public func makeTransport() -> any HubTransport {
        switch self {
        case .inProcess: InProcessTransport()
        }
    }
}

extension HubOptions {
    /// The options a graph manifest's `hub` section describes, with a new transport.
    public init(_ settings: HubSettings) {
        self.init(capacity: settings.capacity, policy: settings.policy, transport: settings.transport.makeTransport())
    }
}
