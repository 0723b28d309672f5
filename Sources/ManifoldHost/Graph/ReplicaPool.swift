import Manifold
import Synchronization

/// A node's replicas in one process: several instances of its plugin behind one generator,
/// each input handed to an instance with a free place.
///
/// On a broker, each replica is a Streamer of its own, and the broker hands each input to one
/// of them. In process, Streamers that subscribe to the same topic each get every artifact, so
/// replicas as separate Streamers would each process every input: they are one Streamer
/// instead, whose concurrency is the replicas' together, in front of this pool.
final class ReplicaPool: Generator {
    let ports: PortTypes
    private let instances: [any Generator]
    private let places: Mutex<(free: [Int], waiting: [CheckedContinuation<Int, Never>])>

    /// A pool of `instances`, each taking up to `placesPerInstance` inputs at once.
    init(_ instances: [any Generator], placesPerInstance: Int) {
        precondition(!instances.isEmpty, "a pool needs an instance")
        self.instances = instances
        ports = instances[0].ports
        // Interleaved, so that inputs spread over the instances before any takes a second.
        var free: [Int] = []
        for _ in 0..<max(1, placesPerInstance) { free += instances.indices }
        places = Mutex((free.reversed(), []))
    }

    func process(_ input: Artifact, context: ProcessingContext) async throws {
        let instance = await takePlace()
        defer { givePlace(instance) }
        try await instances[instance].process(input, context: context)
    }

    func shutdown() async {
        for instance in instances.reversed() { await instance.shutdown() }
    }

    /// A free place's instance. The Streamer never runs more inputs at once than there are
    /// places, so this waits only between one input's end and the next's start.
    private func takePlace() async -> Int {
        await withCheckedContinuation { continuation in
            let instance = places.withLock { places -> Int? in
                if let instance = places.free.popLast() { return instance }
                places.waiting.append(continuation)
                return nil
            }
            if let instance { continuation.resume(returning: instance) }
        }
    }

    private func givePlace(_ instance: Int) {
        let waiter = places.withLock { places -> CheckedContinuation<Int, Never>? in
            if places.waiting.isEmpty {
                places.free.append(instance)
                return nil
            }
            return places.waiting.removeFirst()
        }
        waiter?.resume(returning: instance)
    }
}
