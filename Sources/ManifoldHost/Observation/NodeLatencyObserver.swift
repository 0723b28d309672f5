import Manifold
import Synchronization

/// Times every input of every node from the run's `input-done` events: what `manifold run
/// --stats` prints as p50 / p99 per node. Memory is fixed per node (a `LatencyHistogram`).
public final class NodeLatencyObserver: RunObserver {
    private let histograms = Mutex<[String: LatencyHistogram]>([:])

    /// An observer with nothing recorded.
    public init() {}

    public func observe(_ event: RunEvent) {
        guard case .inputDone(let node, _, let duration, _) = event else { return }
        histograms.withLock { $0[node, default: LatencyHistogram()].record(duration) }
    }

    /// The histogram of each node that finished at least one input.
    public var latencies: [String: LatencyHistogram] {
        histograms.withLock { $0 }
    }
}
