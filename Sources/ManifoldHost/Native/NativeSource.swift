import CManifoldABI
import Foundation
import Manifold
import ManifoldNativeBridge
import Synchronization

/// The `manifold.source` extension of one native generator: artifacts it emits on its own,
/// from threads of its own, without an input (timers, watchers, server notifications).
public final class NativeSource: @unchecked Sendable {
    private struct State {
        var stopping = false
        var outcome: (status: manifold_status, message: String)?
        var waiter: CheckedContinuation<(status: manifold_status, message: String), Never>?
    }

    private let instance: NativeInstance
    private let table: UnsafePointer<manifold_plugin_source>
    private let sink: UnsafeMutablePointer<manifold_source_sink>
    private let state = Mutex(State())
    private let publisher = Mutex<(@Sendable (Artifact) async throws -> Void)?>(nil)

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
    ///
    /// - Throws: `NativePluginError` when `start` fails or the source finishes with an error.
    public func run(publish: @escaping @Sendable (Artifact) async throws -> Void) async throws {
        publisher.withLock { $0 = publish }
        let retained = Unmanaged.passRetained(self)
        defer { retained.release() }
        let status = table.pointee.start!(instance.instance, UnsafePointer(sink))
        guard status == MANIFOLD_OK else {
            throw NativePluginError(plugin: instance.plugin.descriptor.name, status: status, message: "the source did not start")
        }
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done: (status: manifold_status, message: String)? = state.withLock { state in
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
        default: throw NativePluginError(plugin: instance.plugin.descriptor.name, status: outcome.status, message: outcome.message)
        }
    }

    /// Asks the source to stop, once; `run` returns when the plugin says it has.
    public func stop() {
        let first = state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping && state.outcome == nil
        }
        if first { table.pointee.stop!(instance.instance) }
    }

    fileprivate func emit(_ view: UnsafePointer<manifold_artifact>?) -> manifold_status {
        guard let view else { return MANIFOLD_INVALID_ARGUMENT }
        guard var artifact = try? Artifact(adopting: view) else { return MANIFOLD_INVALID_ARGUMENT }
        let (stopping, finished) = state.withLock { ($0.stopping, $0.outcome != nil) }
        if finished { return MANIFOLD_INVALID_ARGUMENT }
        if stopping { return MANIFOLD_CANCELLED }
        guard let publish = publisher.withLock({ $0 }) else { return MANIFOLD_INVALID_ARGUMENT }
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
        let waiter: CheckedContinuation<(status: manifold_status, message: String), Never>? = state.withLock { state in
            guard state.outcome == nil else { return nil }
            state.outcome = (status, message)
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
