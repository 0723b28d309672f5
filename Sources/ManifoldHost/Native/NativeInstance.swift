import CManifoldABI
import Foundation
import Logging
import Manifold
import ManifoldNativeBridge
import ManifoldJSON
import Synchronization

/// One instance of a native plugin: made by the plugin's `create`, driven by `process`,
/// ended by `shutdown` then `destroy`, exactly once.
final class NativeInstance: @unchecked Sendable {
    let plugin: LoadedPlugin
    let node: String
    let instance: UnsafeMutableRawPointer?
    let host: HostServices
    private let ended = Mutex(false)
    /// A call that completed normally, kept for the next input: one per instance is enough
    /// for a stream processed in order; concurrent inputs make their own.
    private let spareCall = Mutex<NativeCall?>(nil)
    /// Callbacks the plugin got wrong (after their call completed, malformed source output),
    /// counted; each is also logged.
    let pluginBugs = Atomic<Int>(0)
    /// The last output's metadata and type, reused while the plugin's outputs repeat them.
    let recentOutputs = RecentArtifactFields()
    /// What a crash inside this instance's code is reported as (`PluginCrashReport`).
    let crashDescription: UnsafePointer<CChar>

    /// Calls the plugin's `create` with the node's config.
    ///
    /// - Throws: `PluginLoadError` with the plugin's own reason when `create` fails.
    init(plugin: LoadedPlugin, node: String, config: JSONValue, logger: Logger) throws {
        self.plugin = plugin
        self.node = node
        self.host = HostServices(node: node, logger: logger)
        let crashDescription = PluginCrashReport.description(plugin: plugin.descriptor.name, node: node)
        self.crashDescription = crashDescription
        let configText = config.jsonText
        var created: UnsafeMutableRawPointer?
        let capacity = 1024
        var error = [CChar](repeating: 0, count: capacity)
        let descriptor = plugin.vtable
        let host = self.host
        let status = configText.withCString { text in
            error.withUnsafeMutableBufferPointer { buffer in
                PluginCrashReport.running(crashDescription) {
                    descriptor.pointee.create(
                        descriptor, manifold_str(data: text, length: strlen(text)), UnsafePointer(host.table), &created,
                        buffer.baseAddress, capacity)
                }
            }
        }
        guard status == MANIFOLD_OK, let created else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PluginLoadError(
                file: plugin.libraryPath, kind: .createFailed,
                problem: "plugin '\(plugin.descriptor.name)' refused to create node '\(node)': "
                    + (reason.isEmpty ? "status \(status) and no reason given" : reason),
                fix: "check the node's config against `manifold inspect \(plugin.libraryPath)`",
                pluginReason: reason.isEmpty ? nil : reason)
        }
        self.instance = created
    }

    /// Counts and logs a callback the host refused because the plugin broke the contract.
    func reportPluginBug(_ problem: String) {
        pluginBugs.add(1, ordering: .relaxed)
        host.log(level: MANIFOLD_LOG_ERROR, message: "plugin '\(plugin.descriptor.name)' \(problem) (a plugin bug)")
    }

    /// Runs one input through the plugin and publishes what it emits; for a middleware,
    /// runs the downstream chain whenever the plugin calls `next`.
    func process(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext?) async throws {
        let call = takeCall(for: input, allowsNext: next != nil)
        // Below a middleware's `next`, the call can be cancelled by that middleware alone.
        let scope = DownstreamScope.current
        if let scope, !scope.enter(call) { call.cancel() }
        defer { if let scope { _ = scope.leave(call) } }
        // The handle is retired once the plugin completed (the body below returns or throws
        // only then), and before the call can serve another input.
        do {
            try await processing(call, context: context, next: next)
        } catch {
            call.end()
            throw error
        }
        call.end()
        // Reached only when the plugin completed with success and nothing cancelled the call.
        // A cancelled task may still be running the handler above (it ran `call.cancel()`
        // or is about to), and so may a cancelled downstream scope: such a call is not reused.
        let reusable = scope.map { $0.leave(call) } ?? true
        if reusable, !Task.isCancelled { spareCall.withLock { $0 = call } }
    }

    /// Calls the plugin's `process` and relays what it reports until it completes the call.
    private func processing(_ call: NativeCall, context: ProcessingContext, next: MiddlewareNext?) async throws {
        let descriptor = plugin.vtable
        let instance = self.instance
        try await withTaskCancellationHandler {
            PluginCrashReport.running(crashDescription) {
                descriptor.pointee.process(instance, call.inputView.pointer, call.call)
            }
            if let finished = call.takeOutputsIfCompleted() {
                // Completed inside `process`: its outputs go downstream as one batch.
                if !finished.outputs.isEmpty { try await context.emit(contentsOf: finished.outputs) }
                try Self.check(status: finished.status, message: finished.message, plugin: plugin.descriptor.name)
                return
            }
            var failure: (any Error)?
            while true {
                switch await call.nextEvent() {
                case .output(let artifact):
                    guard failure == nil else { continue }
                    do {
                        try await context.emit(artifact)
                    } catch {
                        // Keep waiting for `complete`: the plugin may still use the call.
                        failure = error
                        call.cancel()
                    }
                case .refused(let problem):
                    guard failure == nil else { continue }
                    do {
                        try await context.reject(problem)
                    } catch {
                        failure = error
                        call.cancel()
                    }
                case .next(let artifact, let handler, let downstreamScope):
                    await DownstreamScope.$current.withValue(downstreamScope) {
                        await runDownstream(artifact, handler: handler, call: call, context: context, next: next)
                    }
                    call.endNext(downstreamScope)
                case .complete(let status, let message):
                    if let failure { throw failure }
                    try Self.check(status: status, message: message, plugin: plugin.descriptor.name)
                    return
                }
            }
        } onCancel: {
            call.cancel()
        }
    }

    /// The spare call when there is one (the previous input's, completed), else a new one.
    private func takeCall(for input: Artifact, allowsNext: Bool) -> NativeCall {
        guard let call = spareCall.withLock({ $0.take() }) else {
            return NativeCall(owner: self, input: input, allowsNext: allowsNext)
        }
        call.start(input: input, allowsNext: allowsNext)
        return call
    }

    private func runDownstream(
        _ artifact: Artifact, handler: manifold_next_handler, call: NativeCall, context: ProcessingContext,
        next: MiddlewareNext?
    ) async {
        var downstream = context
        if let onEmit = handler.on_emit {
            // The plugin's pointer is only passed back to the plugin; carried as an address.
            let userData = UInt(bitPattern: handler.user_data)
            downstream = context.interceptingEmits { output, emit in
                let view = NativeArtifactView(output)
                let status = withExtendedLifetime(view) { onEmit(UnsafeMutableRawPointer(bitPattern: userData), view.pointer) }
                for forwarded in call.takeLeadingOutputs() {
                    switch forwarded {
                    case .output(let artifact): try await emit(artifact)
                    case .refused(let problem): try await context.reject(problem)
                    case .next, .complete: break
                    }
                }
                if status == MANIFOLD_CANCELLED { throw CancellationError() }
            }
        }
        var status = MANIFOLD_OK
        var message = ""
        do {
            guard let next else { throw NativeArtifactError(reason: "a generator called next") }
            try await next(artifact, downstream)
        } catch is CancellationError {
            status = MANIFOLD_CANCELLED
            message = "cancelled"
        } catch {
            status = MANIFOLD_ERROR
            message = "\(error)"
        }
        message.withManifoldStr { text in
            handler.on_complete?(handler.user_data, status, text)
        }
    }

    private static func check(status: manifold_status, message: String, plugin: String) throws {
        switch status {
        case MANIFOLD_OK: return
        case MANIFOLD_CANCELLED: throw CancellationError()
        default: throw NativePluginError(plugin: plugin, status: status, message: message)
        }
    }

    /// Calls `shutdown`, waits for its `done`, then `destroy`. Later calls do nothing.
    func end() async {
        let first = ended.withLock { ended in
            defer { ended = true }
            return !ended
        }
        guard first, let instance else { return }
        let descriptor = plugin.vtable
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let box = Unmanaged.passRetained(ContinuationBox(continuation)).toOpaque()
            PluginCrashReport.running(crashDescription) { descriptor.pointee.shutdown(instance, shutdownDone, box) }
        }
        PluginCrashReport.running(crashDescription) { descriptor.pointee.destroy(instance) }
    }
}

/// A plugin's call ended with an error status.
public struct NativePluginError: Error, CustomStringConvertible {
    /// The plugin's name.
    public let plugin: String
    /// The status it returned.
    public let status: Int32
    /// Its error text.
    public let message: String

    public var description: String {
        "plugin '\(plugin)' failed (status \(status)): \(message.isEmpty ? "no reason given" : message)"
    }
}

private final class ContinuationBox {
    let continuation: UnsafeContinuation<Void, Never>
    init(_ continuation: UnsafeContinuation<Void, Never>) { self.continuation = continuation }
}

private let shutdownDone: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
    guard let context else { return }
    Unmanaged<ContinuationBox>.fromOpaque(context).takeRetainedValue().continuation.resume()
}
