/// Why a link between two hubs failed.
public enum LinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The link is closed (by `shutdown()`, by the peer, or after a read or write failed);
    /// publishes waiting for the peer's report fail with this.
    case closed(reason: String)
    /// The peer sent bytes that are not a valid link message; the link is closed.
    case protocolViolation(String)
    /// The peer could not deliver a publish, for a reason other than cancellation.
    case remoteFailure(String)

    public var description: String {
        switch self {
        case .closed(let reason): "the hub link is closed: \(reason)"
        case .protocolViolation(let detail): "the peer hub broke the link protocol: \(detail)"
        case .remoteFailure(let detail): "the peer hub could not deliver: \(detail)"
        }
    }
}
