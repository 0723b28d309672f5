import CManifoldABI
import Foundation
import Manifold
import ManifoldNativeBridge

// The C entry points of every descriptor this SDK builds: they turn the host's calls into
// calls on the plugin's Swift object.

let pluginCreate: @convention(c) (
    UnsafePointer<manifold_plugin>?, manifold_str, UnsafePointer<manifold_host>?,
    UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<CChar>?, Int
) -> manifold_status = { plugin, config, host, instance, error, capacity in
    func fail(_ message: String) -> manifold_status {
        if let error, capacity > 0 {
            let bytes = Array(message.utf8.prefix(capacity - 1))
            for (index, byte) in bytes.enumerated() { error[index] = CChar(bitPattern: byte) }
            error[bytes.count] = 0
        }
        return MANIFOLD_ERROR
    }
    guard let instance else { return fail("create called without an instance slot") }
    guard let exported = PluginLibrary.plugin(for: plugin) else {
        return fail("create called with a descriptor this library did not export")
    }
    let pluginHost = PluginHost(table: host)
    do {
        let object = try exported.factory(config.string, pluginHost)
        instance.pointee = Unmanaged.passRetained(PluginInstance(object: object, host: pluginHost)).toOpaque()
        return MANIFOLD_OK
    } catch {
        return fail("\(error)")
    }
}

let pluginProcess: @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?, UnsafePointer<manifold_call>?
) -> Void = { opaque, view, table in
    guard let table else { return }
    let call = HostCall(table: table)
    guard let opaque, let view else {
        call.complete(MANIFOLD_INVALID_ARGUMENT, "process called without an instance or input")
        return
    }
    let instance = PluginInstance.from(opaque)
    let input: Artifact
    do {
        input = try Artifact(borrowing: view, recent: instance.recentInputs)
    } catch {
        call.complete(MANIFOLD_INVALID_ARGUMENT, "\(error)")
        return
    }
    if case .synchronousGenerator(let generator) = instance.object {
        // No task and no cancel handler: the call ends before this function returns.
        do {
            try generator.process(input) { output in try call.emit(output) }
            call.complete(with: nil)
        } catch {
            call.complete(with: error)
        }
        return
    }
    processOnTask(instance, input: input, call: call)
}

/// Runs an async plugin's `process` on a Swift task that the host's cancellation cancels.
private func processOnTask(_ instance: PluginInstance, input: Artifact, call: HostCall) {
    let cancellation = CallCancellation()
    let cancellationBox = Unmanaged.passRetained(cancellation).toOpaque()
    call.onCancel(callCancelHandler, cancellationBox)
    let node = instance.host.node
    let cancellationAddress = UInt(bitPattern: cancellationBox)
    // Starts on the host's thread: a plugin that never suspends completes inside `process`,
    // with no hop to another thread and no wake-up of the host's task.
    let task = Task.immediate {
        let context = ProcessingContext(node: node, input: input) { output in try call.emit(output) }
        var failure: (any Error)?
        do {
            switch instance.object {
            case .generator(let generator):
                try await generator.process(input, context: context)
            case .synchronousGenerator(let generator):
                try await generator.process(input, context: context)
            case .middleware(let middleware):
                try await middleware.handle(
                    input, context: context,
                    next: MiddlewareNext { next, downstream in
                        try await call.next(next, context: downstream, cancelNext: instance.host.cancelNext)
                    })
            }
        } catch {
            failure = error
        }
        // The host never starts the cancel handler once `complete` began, and waits for one
        // that is running: after `complete` returns the box can go.
        call.complete(with: failure)
        Unmanaged<CallCancellation>.fromOpaque(UnsafeRawPointer(bitPattern: cancellationAddress)!).release()
    }
    cancellation.attach(task)
}

let pluginShutdown: @convention(c) (
    UnsafeMutableRawPointer?, (@convention(c) (UnsafeMutableRawPointer?) -> Void)?, UnsafeMutableRawPointer?
) -> Void = { opaque, done, doneContext in
    guard let opaque else {
        done?(doneContext)
        return
    }
    let instance = PluginInstance.from(opaque)
    let context = UInt(bitPattern: doneContext)
    Task {
        await instance.object.shutdown()
        done?(UnsafeMutableRawPointer(bitPattern: context))
    }
}

let pluginDestroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { opaque in
    guard let opaque else { return }
    Unmanaged<PluginInstance>.fromOpaque(opaque).release()
}

let pluginGetExtension: @convention(c) (UnsafePointer<manifold_plugin>?, UnsafePointer<CChar>?) -> UnsafeRawPointer? = {
    plugin, id in
    guard let id, let exported = PluginLibrary.plugin(for: plugin) else { return nil }
    switch String(cString: id) {
    case MANIFOLD_EXT_STATE where exported.offersState: return StateExtension.table
    case MANIFOLD_EXT_SOURCE where exported.offersSource: return SourceExtension.table
    default: return nil
    }
}
