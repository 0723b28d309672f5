import CManifoldABI
import Foundation
import Manifold
import ManifoldNativeBridge

/// The `manifold.source` table every `SourcePlugin` of this library answers with: `start`
/// runs `produce(into:)` on a thread of its own, `stop` stops its sink.
enum SourceExtension {
    // Written once, read-only afterwards: a C table the host reads from any thread.
    nonisolated(unsafe) static let table: UnsafeRawPointer = {
        let pointer = UnsafeMutablePointer<manifold_plugin_source>.allocate(capacity: 1)
        pointer.initialize(to: manifold_plugin_source(
            struct_size: UInt32(MemoryLayout<manifold_plugin_source>.size), start: sourceStart, stop: sourceStop))
        return UnsafeRawPointer(pointer)
    }()
}

/// The host's sink, read within its declared size; valid until `finished` returns.
private struct HostSink: @unchecked Sendable {
    let functions: manifold_source_sink

    func emit(_ artifact: Artifact) throws {
        guard let emit = functions.emit else { throw PluginCallError(message: "the host's source sink has no emit") }
        switch artifact.withOutputView({ emit(functions.context, $0) }) {
        case MANIFOLD_OK: return
        case MANIFOLD_CANCELLED: throw CancellationError()
        case let status: throw PluginCallError(message: "the host refused output of type \(artifact.type) (status \(status))")
        }
    }

    func finished(with error: (any Error)?) {
        let (status, message): (manifold_status, String) = switch error {
        case nil: (MANIFOLD_OK, "")
        case is CancellationError?: (MANIFOLD_CANCELLED, "stopped")
        case let error?: (MANIFOLD_ERROR, "\(error)")
        }
        message.withManifoldStr { functions.finished?(functions.context, status, $0) }
    }
}

private let sourceStart: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<manifold_source_sink>?) -> manifold_status = {
    opaque, sinkPointer in
    guard let opaque, let sinkPointer else { return MANIFOLD_INVALID_ARGUMENT }
    let instance = PluginInstance.from(opaque)
    guard let source = instance.object.object as? any SourcePlugin else { return MANIFOLD_UNSUPPORTED }
    return start(source, instance: instance, sinkPointer: sinkPointer)
}

private func start(_ source: any SourcePlugin, instance: PluginInstance, sinkPointer: UnsafePointer<manifold_source_sink>) -> manifold_status {
    let host = HostSink(functions: StructPrefix.read(sinkPointer, declaredSize: Int(sinkPointer.pointee.struct_size)))
    let sink = SourceSink { artifact in try host.emit(artifact) }
    let alreadyRunning = instance.source.withLock { running -> Bool in
        if running != nil { return true }
        running = sink
        return false
    }
    if alreadyRunning { return MANIFOLD_INVALID_ARGUMENT }
    // A thread of its own: `emit` blocks while the graph is full, which must never hold up
    // a thread of the Swift concurrency pool.
    let thread = Thread {
        var failure: (any Error)?
        do { try source.produce(into: sink) } catch { failure = error }
        instance.source.withLock { $0 = nil }
        host.finished(with: failure)
    }
    thread.name = "manifold.source"
    thread.start()
    return MANIFOLD_OK
}

private let sourceStop: @convention(c) (UnsafeMutableRawPointer?) -> Void = { opaque in
    guard let opaque else { return }
    PluginInstance.from(opaque).source.withLock { $0 }?.stop()
}
