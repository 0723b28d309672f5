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

    /// Hands the event to every observer; builds it only if there is one. Inlined so that,
    /// with nobody observing, a call site is the atomic load and a branch: no closure context,
    /// no retains of what the event would capture.
    @inline(__always)
    func emit(_ event: @autoclosure () -> RunEvent) {
        guard isActive else { return }
        deliver(event())
    }

    private func deliver(_ event: RunEvent) {
        let observers = list.withLock { $0.observers }
        for entry in observers { entry.observer.observe(event) }
    }
}
