import Synchronization

/// A value a transport receives once, from `HubTransport.attach(_:)`, and reads from then on.
///
/// A transport serves one hub: attaching it to a second one is a programming error, stopped at
/// once rather than left to deliver one hub's artifacts into another's subscriptions.
public final class AttachOnce<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)

    /// An empty slot.
    public init() {}

    /// Stores the value; traps if one is already there.
    public func set(_ value: Value, by owner: String) {
        storage.withLock { stored in
            precondition(stored == nil, "\(owner) is already attached to a hub; make one transport per hub")
            stored = value
        }
    }

    /// The stored value; traps if `set` was never called (the hub attaches in its initialiser).
    public var value: Value {
        storage.withLock { stored in
            guard let stored else { preconditionFailure("transport used before a hub attached it") }
            return stored
        }
    }

    /// The stored value, if any.
    public var valueIfAttached: Value? { storage.withLock { $0 } }
}
