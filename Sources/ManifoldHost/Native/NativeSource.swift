import CManifoldABI
import Foundation
import Manifold
import ManifoldNativeBridge
import Synchronization

/// The `manifold.source` extension of one native generator: artifacts it emits on its own,
/// from threads of its own, without an input (timers, watchers, server notifications).
public final class NativeSource: @unchecked Sendable {
    private enum Phase {
        /// `run` was not called yet.
        case idle
        /// Inside the plugin's `start`: a stop asked now is sent once `start` returned.
        case starting
        /// Started, and `finished` not called yet.
        case running
        /// Finished, or stopped before it ever started.
        case over
    }

    private typealias Outcome = (status: manifold_status, message: String)

    private struct State {
        var phase = Phase.idle
        var stopRequested = false
        var stopSent = false
        var outcome: Outcome?
        var waiter: CheckedContinuation<Outcome, Never>?
        var publish: (@Sendable (Artifact) async throws -> Void)?
        var reject: (@Sendable (String) -> Void)?
    }

    private let instance: NativeInstance
    private let table: UnsafePointer<manifold_plugin_source>
    private let sink: UnsafeMutablePointer<manifold_source_sink>
    private let state = Mutex(State())

    init(instance: NativeInstance, table: UnsafePointer<manifold_plugin_source>) {
        self.instance = instance
        self.table = table
        sink = .allocate(capacity: 1)
        sink.initialize(to: manifold_source_sink())
        sink.pointee.struct_size = UInt32(MemoryLayout<manifold_source_sink>.size)
        sink.pointee.context = Unmanaged.passUnretained(self).toOpaque()
        sink.pointee.emit = sourceEmit
        sink.pointee.finished = sourceFinished
    }

    deinit {
        sink.deinitialize(count: 1)
        sink.deallocate()
    }

    /// Starts the source and hands each artifact it emits to `publish` (the plugin's thread
    /// waits meanwhile: that is the backpressure), until the plugin says it has finished.
    /// Cancelling the calling task asks the plugin to stop, and still waits for `finished`.
    /// A source stopped before `run` never starts; a source runs once. An artifact the host
    /// cannot accept (malformed) is refused to the plugin and its problem handed to `reject`.
    ///
    /// - Throws: `NativePluginError` when `start` fails, the source finishes with an error, or
    ///   `run` is called a second time.
    public func run(
        publish: @escaping @Sendable (Artifact) async throws -> Void, reject: @escaping @Sendable (String) -> Void
    ) async throws {
        enum Decision { case start, stoppedBeforeStart, alreadyRun }
        let decision: Decision = state.withLock { state in
            guard state.phase == .idle else { return .alreadyRun }
            if state.stopRequested {
                state.phase = .over
                return .stoppedBeforeStart
            }
            state.phase = .starting
            state.publish = publish
            state.reject = reject
            return .start
        }
        switch decision {
        case .start: break
        case .stoppedBeforeStart: return
        case .alreadyRun: throw failure(MANIFOLD_INVALID_ARGUMENT, "its source was already run; a source runs once per instance")
        }
        let retained = Unmanaged.passRetained(self)
        defer { retained.release() }
        let status = table.pointee.start!(instance.instance, UnsafePointer(sink))
        guard status == MANIFOLD_OK else {
            state.withLock { $0.phase = .over }
            throw failure(status, "its source did not start (manifold.source start returned status \(status))")
        }
        // A stop asked while `start` ran reaches the plugin now that it can act on it.
        let stopNow: Bool = state.withLock { state in
            if state.phase == .starting { state.phase = .running }
            return takeStop(&state)
        }
        if stopNow { table.pointee.stop!(instance.instance) }
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done: Outcome? = state.withLock { state in
                    if let outcome = state.outcome { return outcome }
                    state.waiter = continuation
                    return nil
                }
                if let done { continuation.resume(returning: done) }
            }
        } onCancel: {
            self.stop()
        }
        switch outcome.status {
        case MANIFOLD_OK, MANIFOLD_CANCELLED: return
        default: throw failure(outcome.status, outcome.message)
        }
    }

    /// Asks the source to stop, once; `run` returns when the plugin says it has. Before
    /// `run`, the source will not start at all.
    public func stop() {
        let send: Bool = state.withLock { state in
            state.stopRequested = true
            return takeStop(&state)
        }
        if send { table.pointee.stop!(instance.instance) }
    }

    /// Whether the plugin's `stop` is to be called now: asked, started, not yet finished, not
    /// sent before.
    private func takeStop(_ state: inout State) -> Bool {
        guard state.stopRequested, state.phase == .running, state.outcome == nil, !state.stopSent else { return false }
        state.stopSent = true
        return true
    }

    private func failure(_ status: manifold_status, _ message: String) -> NativePluginError {
        NativePluginError(plugin: instance.plugin.descriptor.name, status: status, message: message)
    }

    fileprivate func emit(_ view: UnsafePointer<manifold_artifact>?) -> manifold_status {
        guard let view else { return MANIFOLD_INVALID_ARGUMENT }
        var artifact: Artifact
        do {
            artifact = try Artifact(adopting: view, recent: instance.recentOutputs)
        } catch {
            // Nothing is dropped silently: a refused artifact is logged, counted and, while
            // the source runs, dead-lettered with its reason.
            let problem = NativeCall.malformedOutputProblem(error, node: instance.node, plugin: instance.plugin.descriptor.name)
            instance.reportPluginBug("emitted a malformed artifact from its source, which was dropped: \(error)")
            state.withLock { $0.reject }?(problem)
            return MANIFOLD_INVALID_ARGUMENT
        }
        let (phase, stopping, publish) = state.withLock { ($0.phase, $0.stopRequested, $0.publish) }
        guard phase == .running || phase == .starting, let publish else {
            instance.reportPluginBug("emitted from its source after it finished; the artifact was dropped")
            return MANIFOLD_INVALID_ARGUMENT
        }
        if stopping { return MANIFOLD_CANCELLED }
        artifact.origin = instance.node
        // The plugin's own thread waits for the hub: backpressure reaches the source.
        let done = DispatchSemaphore(value: 0)
        let result = Mutex(MANIFOLD_OK)
        let ready = artifact
        Task {
            do {
                try await publish(ready)
            } catch {
                result.withLock { $0 = MANIFOLD_CANCELLED }
            }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }

    fileprivate func finish(status: manifold_status, message: String) {
        let waiter: CheckedContinuation<Outcome, Never>? = state.withLock { state in
            guard state.outcome == nil else { return nil }
            state.outcome = (status, message)
            state.phase = .over
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: (status, message))
    }
}

extension NativeInstance {
    /// The instance's `manifold.source` extension, when its plugin offers one.
    var source: NativeSource? {
        guard let raw = plugin.extensionStruct(.source) else { return nil }
        let table = raw.assumingMemoryBound(to: manifold_plugin_source.self)
        guard Int(table.pointee.struct_size) >= StructPrefix.size(through: \manifold_plugin_source.stop),
            table.pointee.start != nil, table.pointee.stop != nil
        else { return nil }
        return NativeSource(instance: self, table: table)
    }
}

private func nativeSource(_ context: UnsafeMutableRawPointer?) -> NativeSource {
    Unmanaged<NativeSource>.fromOpaque(context!).takeUnretainedValue()
}

private let sourceEmit: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?) -> manifold_status = {
    context, view in nativeSource(context).emit(view)
}

private let sourceFinished: @convention(c) (UnsafeMutableRawPointer?, manifold_status, manifold_str) -> Void = {
    context, status, message in nativeSource(context).finish(status: status, message: message.string)
}
