import Synchronization

/// Counts artifacts delivered to subscriptions and not yet settled by their reader, and
/// wakes whoever waits for the count to reach zero.
///
/// A graph is finished when its inputs are closed and nothing is in flight: this is how
/// graphs with cycles (an agent and its tools) know when to stop, without timers.
final class InFlightTracker: Sendable {
    private let count = Atomic<Int>(0)
    private let waiters = Mutex<[UnsafeContinuation<Void, Never>]>([])

    /// Artifacts delivered and not yet settled.
    var current: Int { count.load(ordering: .acquiring) }

    func add(_ amount: Int) {
        guard amount > 0 else { return }
        count.add(amount, ordering: .relaxed)
    }

    func settle(_ amount: Int) {
        guard amount > 0 else { return }
        let remaining = count.subtract(amount, ordering: .acquiringAndReleasing).newValue
        assert(remaining >= 0, "in-flight count went negative")
        if remaining == 0 { wakeIfIdle() }
    }

    /// Returns once the count is zero (at once if it is zero now).
    func waitUntilIdle() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let idle: Bool = waiters.withLock { waiters in
                // Checked under the lock that `wakeIfIdle` takes, so a settle to zero between
                // the check and the append cannot be missed.
                if count.load(ordering: .acquiring) == 0 { return true }
                waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func wakeIfIdle() {
        let woken: [UnsafeContinuation<Void, Never>] = waiters.withLock { waiters in
            guard count.load(ordering: .acquiring) == 0 else { return [] }
            defer { waiters.removeAll() }
            return waiters
        }
        for waiter in woken { waiter.resume() }
    }
}
