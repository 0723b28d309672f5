import Synchronization

/// A hub's observers. The hot paths check `isActive` (one relaxed atomic load) and build an
/// event only when it is true, so a run nobody watches pays one load per event site.
final class RunObservers: Sendable {
    private let active = Atomic<Bool>(false)
    private let list = Mutex<(next: UInt64, observers: [(token: RunObserverToken, observer: any RunObserver)])>((0, []))

    /// Whether anyone observes; check before building an event.
    var isActive: Bool { active.load(ordering: .relaxed) }

    func add(_ observer: any RunObserver) -> RunObserverToken {
        list.withLock { list in
            list.next += 1
            let token = RunObserverToken(rawValue: list.next)
            list.observers.append((token, observer))
            active.store(true, ordering: .relaxed)
            return token
        }
    }

    func remove(_ token: RunObserverToken) {
        list.withLock { list in
            list.observers.removeAll { $0.token == token }
            active.store(!list.observers.isEmpty, ordering: .relaxed)
        }
    }

    /// Hands the event to every observer. Call sites check `isActive` first, so that with
    /// nobody observing a site is one atomic load and a branch: no event is built, nothing it
    /// would hold is retained.
    func emit(_ event: RunEvent) {
        let observers = list.withLock { $0.observers }
        for entry in observers { entry.observer.observe(event) }
    }
}
