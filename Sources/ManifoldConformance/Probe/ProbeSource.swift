import CManifoldABI
import Foundation
import Manifold
import ManifoldNativeBridge
import Synchronization

/// The checker's sink for a source (`manifold.source`): it takes every emit at once (no
/// backpressure), records the types, and counts `finished`.
final class ProbeSource: @unchecked Sendable {
    private struct State {
        var emittedTypes: [ArtifactType] = []
        var malformed: [String] = []
        var stopped = false
        var stoppedAt: ContinuousClock.Instant?
        var finishes: [(status: manifold_status, message: String)] = []
        var finishedAt: ContinuousClock.Instant?
        var emitsAfterFinish = 0
        var eventSignalled = false
    }

    private let table: manifold_plugin_source
    private let instance: ProbeInstance
    private let sink: UnsafeMutablePointer<manifold_source_sink>
    private let state = Mutex(State())
    /// Signalled once, at the first emit or `finished`.
    private let firstEvent = DispatchSemaphore(value: 0)
    private let firstFinish = DispatchSemaphore(value: 0)

    /// The source extension of `instance`, or `nil` when its plugin offers none.
    init?(_ instance: ProbeInstance) {
        let vtable = instance.plugin.vtable
        guard let getExtension = vtable.pointee.get_extension,
            let raw = MANIFOLD_EXT_SOURCE.withCString({ getExtension(vtable, $0) })
        else { return nil }
        let pointer = raw.assumingMemoryBound(to: manifold_plugin_source.self)
        guard Int(pointer.pointee.struct_size) >= StructPrefix.size(through: \manifold_plugin_source.stop) else { return nil }
        table = StructPrefix.read(pointer, declaredSize: Int(pointer.pointee.struct_size))
        self.instance = instance
        sink = .allocate(capacity: 1)
        sink.initialize(to: manifold_source_sink())
        sink.pointee.struct_size = UInt32(MemoryLayout<manifold_source_sink>.size)
        sink.pointee.context = Unmanaged.passUnretained(self).toOpaque()
        sink.pointee.emit = probeSourceEmit
        sink.pointee.finished = probeSourceFinished
    }

    deinit {
        sink.deinitialize(count: 1)
        sink.deallocate()
    }

    /// Calls `start`; the status it returned, or `nil` when it did not return within `limit`.
    func start(within limit: Duration) -> manifold_status? {
        let status = Mutex<manifold_status?>(nil)
        let start = table.start
        let instance = UInt(bitPattern: self.instance.instance)
        let sink = UInt(bitPattern: self.sink)
        let returned = HostThread.run(within: limit) {
            let result = start?(
                UnsafeMutableRawPointer(bitPattern: instance), UnsafePointer<manifold_source_sink>(bitPattern: sink))
            status.withLock { $0 = result ?? MANIFOLD_UNSUPPORTED }
        }
        return returned ? status.withLock { $0 } : nil
    }

    /// Calls `stop`; false when it did not return within `limit`.
    func stop(within limit: Duration) -> Bool {
        state.withLock { state in
            state.stopped = true
            state.stoppedAt = .now
        }
        let stop = table.stop
        let instance = UInt(bitPattern: self.instance.instance)
        return HostThread.run(within: limit) { stop?(UnsafeMutableRawPointer(bitPattern: instance)) }
    }

    /// Waits for the first emit or `finished`, whichever comes first, up to `limit`.
    func waitForEmitOrFinish(within limit: Duration) {
        if firstEvent.wait(timeout: .now() + limit.timeInterval) == .success { firstEvent.signal() }
    }

    /// Waits for `finished`; false when `limit` passed first.
    func waitForFinish(within limit: Duration) -> Bool {
        if isFinished { return true }
        guard firstFinish.wait(timeout: .now() + limit.timeInterval) == .success else { return false }
        firstFinish.signal()
        return true
    }

    var isFinished: Bool { state.withLock { !$0.finishes.isEmpty } }
    var emittedTypes: [ArtifactType] { state.withLock { $0.emittedTypes } }
    var malformed: [String] { state.withLock { $0.malformed } }
    var finishes: [(status: manifold_status, message: String)] { state.withLock { $0.finishes } }
    var emitsAfterFinish: Int { state.withLock { $0.emitsAfterFinish } }
    /// How long after `stop` the source finished; `nil` when it finished before, or never.
    var finishAfterStop: Duration? {
        state.withLock { state in
            guard let stopped = state.stoppedAt, let finished = state.finishedAt, finished >= stopped else { return nil }
            return finished - stopped
        }
    }

    fileprivate func emit(_ view: UnsafePointer<manifold_artifact>?) -> manifold_status {
        guard let view else {
            state.withLock { $0.malformed.append("emit was called with a NULL artifact") }
            return MANIFOLD_INVALID_ARGUMENT
        }
        do {
            let artifact = try Artifact(adopting: view)
            let (status, signal): (manifold_status, Bool) = state.withLock { state in
                state.emittedTypes.append(artifact.type)
                defer { state.eventSignalled = true }
                if !state.finishes.isEmpty {
                    state.emitsAfterFinish += 1
                    return (MANIFOLD_INVALID_ARGUMENT, false)
                }
                return (state.stopped ? MANIFOLD_CANCELLED : MANIFOLD_OK, !state.eventSignalled)
            }
            if signal { firstEvent.signal() }
            return status
        } catch {
            state.withLock { $0.malformed.append("\(error)") }
            return MANIFOLD_INVALID_ARGUMENT
        }
    }

    fileprivate func finished(status: manifold_status, message: String) {
        let (first, signal): (Bool, Bool) = state.withLock { state in
            state.finishes.append((status, message))
            guard state.finishes.count == 1 else { return (false, false) }
            state.finishedAt = .now
            defer { state.eventSignalled = true }
            return (true, !state.eventSignalled)
        }
        if signal { firstEvent.signal() }
        if first { firstFinish.signal() }
    }
}

private func probeSource(_ context: UnsafeMutableRawPointer?) -> ProbeSource {
    Unmanaged<ProbeSource>.fromOpaque(context!).takeUnretainedValue()
}

private let probeSourceEmit: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?) -> manifold_status = {
    context, view in probeSource(context).emit(view)
}

private let probeSourceFinished: @convention(c) (UnsafeMutableRawPointer?, manifold_status, manifold_str) -> Void = {
    context, status, message in probeSource(context).finished(status: status, message: message.string)
}
