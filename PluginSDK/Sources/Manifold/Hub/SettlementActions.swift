import DequeModule
import Synchronization

/// What a transport asked to be done when a subscription's reader settles an artifact it
/// delivered: acknowledging a broker's message once the node has finished the input, so a
/// message a reader took and never finished is delivered again elsewhere.
///
/// Kept in delivery order; most readers settle in that order, so the action is found first.
final class SettlementActions: Sendable {
    /// An artifact's two possible endings: handled, or handed back to its broker unhandled.
    struct Actions: Sendable {
        let settled: @Sendable () -> Void
        let givenBack: @Sendable () -> Void
    }

    private let pending = Mutex(Deque<(id: ArtifactID, actions: Actions)>())
    /// Read without the lock on every settle: a subscription no transport acknowledges through
    /// (every in-process one) pays one atomic load.
    private let count = Atomic<Int>(0)

    /// Records the actions for the artifact `id`, delivered now.
    func add(_ id: ArtifactID, actions: Actions) {
        pending.withLock { pending in
            pending.append((id, actions))
            count.store(pending.count, ordering: .releasing)
        }
    }

    /// Records the actions of several artifacts, delivered now in this order, under one lock.
    func add(contentsOf entries: [(id: ArtifactID, actions: Actions)]) {
        pending.withLock { pending in
            pending.append(contentsOf: entries)
            count.store(pending.count, ordering: .releasing)
        }
    }

    /// Runs and forgets the settled action of each artifact (if it has one).
    func run(for artifacts: some Collection<Artifact>) {
        guard count.load(ordering: .acquiring) > 0 else { return }
        for actions in take(artifacts).found { actions.settled() }
    }

    /// Runs and forgets the given-back action of each artifact that has one; returns the
    /// artifacts that had none.
    func giveBack(_ artifacts: [Artifact]) -> [Artifact] {
        guard count.load(ordering: .acquiring) > 0 else { return artifacts }
        let (found, missing) = take(artifacts)
        for actions in found { actions.givenBack() }
        return missing
    }

    private func take(_ artifacts: some Collection<Artifact>) -> (found: [Actions], missing: [Artifact]) {
        pending.withLock { pending in
            var found: [Actions] = []
            var missing: [Artifact] = []
            for artifact in artifacts {
                guard let index = pending.firstIndex(where: { $0.id == artifact.id }) else {
                    missing.append(artifact)
                    continue
                }
                found.append(pending.remove(at: index).actions)
            }
            count.store(pending.count, ordering: .releasing)
            return (found, missing)
        }
    }

    /// Forgets the action of the artifact `id` without running it (it was never queued).
    func discard(_ id: ArtifactID) {
        pending.withLock { pending in
            if let index = pending.lastIndex(where: { $0.id == id }) { pending.remove(at: index) }
            count.store(pending.count, ordering: .releasing)
        }
    }

    /// Runs and forgets the actions of the `count` oldest artifacts.
    func runOldest(_ amount: Int) {
        guard count.load(ordering: .acquiring) > 0 else { return }
        let actions: [@Sendable () -> Void] = pending.withLock { pending in
            let taken = pending.prefix(amount).map(\.actions.settled)
            pending.removeFirst(min(amount, pending.count))
            count.store(pending.count, ordering: .releasing)
            return taken
        }
        for action in actions { action() }
    }

    /// Artifacts delivered with an action and not yet settled.
    var outstanding: Int { count.load(ordering: .acquiring) }
}
