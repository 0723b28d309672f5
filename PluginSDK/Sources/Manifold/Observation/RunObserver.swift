/// Watches a run: receives every `RunEvent` of the hub it is added to and of the Streamers on it.
///
/// `observe(_:)` is called synchronously, on whichever thread made the event (a publisher, a
/// reader settling, a node processing), possibly on several threads at once. Keep it short and
/// never block in it: count, append to a buffer, or hand the event to your own queue (as
/// `Hub.events(bufferingNewest:)` does). Events of one artifact on one thread arrive in order;
/// there is no order across threads.
public protocol RunObserver: Sendable {
    /// Called for each event.
    func observe(_ event: RunEvent)
}

/// An observer made from a closure.
public struct ClosureRunObserver: RunObserver {
    private let body: @Sendable (RunEvent) -> Void

    /// Calls `body` for each event.
    public init(_ body: @escaping @Sendable (RunEvent) -> Void) {
        self.body = body
    }

    public func observe(_ event: RunEvent) {
        body(event)
    }
}

/// What `Hub.addObserver(_:)` returns, to remove the observer later.
public struct RunObserverToken: Sendable, Hashable {
    let rawValue: UInt64
}
