import CManifoldABI
import Foundation
import Manifold
import ManifoldJSON
import Synchronization

/// One instance of the plugin under check, made by its `create` and driven through the
/// checker's own call tables; every call into the plugin that may block runs on a thread of
/// its own, under a limit.
final class ProbeInstance: @unchecked Sendable {
    /// Why `create` did not give an instance.
    enum CreateFailure: Error, CustomStringConvertible {
        /// It returned an error status, with the reason it wrote (maybe empty).
        case refused(status: manifold_status, reason: String)
        /// It returned MANIFOLD_OK without an instance.
        case noInstance
        /// It did not return within the limit.
        case hung(limit: Duration)

        var description: String {
            switch self {
            case .refused(let status, let reason):
                return "create refused it (status \(status)): " + (reason.isEmpty ? "no reason given" : "\"\(reason)\"")
            case .noInstance: return "create returned MANIFOLD_OK but stored no instance"
            case .hung(let limit): return "create did not return within \(CheckLimits.describe(limit))"
            }
        }
    }

    /// Why shutting an instance down went wrong.
    enum EndFailure: Error, CustomStringConvertible {
        case shutdownNeverDone(limit: Duration)
        case shutdownDoneTwice
        case destroyHung(limit: Duration)

        var description: String {
            switch self {
            case .shutdownNeverDone(let limit): return "shutdown did not call done within \(CheckLimits.describe(limit))"
            case .shutdownDoneTwice: return "shutdown called done twice"
            case .destroyHung(let limit): return "destroy did not return within \(CheckLimits.describe(limit))"
            }
        }
    }

    let plugin: PluginUnderCheck
    let host: ProbeHost
    let instance: UnsafeMutableRawPointer
    /// Every call made on this instance, kept alive until the process ends (a plugin may use
    /// a call it should have let go of; the checker must still be there to see it).
    private let calls = Mutex<[ProbeCall]>([])

    private init(plugin: PluginUnderCheck, host: ProbeHost, instance: UnsafeMutableRawPointer) {
        self.plugin = plugin
        self.host = host
        self.instance = instance
    }

    /// Calls `create` with `config` (JSON text) on a thread of its own.
    static func create(_ plugin: PluginUnderCheck, config: String, within limit: Duration) -> Result<ProbeInstance, CreateFailure> {
        let host = ProbeHost()
        let outcome = Mutex<Result<ProbeInstance, CreateFailure>?>(nil)
        let vtable = UInt(bitPattern: plugin.vtable)
        let returned = HostThread.run(within: limit) {
            let descriptor = UnsafePointer<manifold_plugin>(bitPattern: vtable)!
            var created: UnsafeMutableRawPointer?
            let capacity = 1024
            var error = [CChar](repeating: 0, count: capacity)
            let status = config.withCString { text in
                error.withUnsafeMutableBufferPointer { buffer in
                    descriptor.pointee.create(
                        descriptor, manifold_str(data: text, length: strlen(text)), UnsafePointer(host.table), &created,
                        buffer.baseAddress, capacity)
                }
            }
            let result: Result<ProbeInstance, CreateFailure>
            if status != MANIFOLD_OK {
                // The reason is read within the buffer even when the plugin forgot its NUL.
                let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                result = .failure(.refused(status: status, reason: reason))
            } else if let created {
                result = .success(ProbeInstance(plugin: plugin, host: host, instance: created))
            } else {
                result = .failure(.noInstance)
            }
            outcome.withLock { $0 = result }
        }
        guard returned, let result = outcome.withLock({ $0 }) else { return .failure(.hung(limit: limit)) }
        return result
    }

    /// Starts `process` for `input` on a thread of its own and returns the call at once; the
    /// semaphore is signalled when `process` returns.
    func start(
        _ input: Artifact, downstream: ProbeCall.Downstream = .echo, cancelsInsideEmit: Bool = false,
        cancelledBeforehand: Bool = false
    ) -> (call: ProbeCall, returned: DispatchSemaphore) {
        let call = ProbeCall(
            input: input, allowsNext: plugin.descriptor.kind == .middleware, downstream: downstream,
            cancelsInsideEmit: cancelsInsideEmit)
        if cancelledBeforehand { call.cancel() }
        calls.withLock { $0.append(call) }
        let vtable = UInt(bitPattern: plugin.vtable)
        let instance = UInt(bitPattern: self.instance)
        let returned = HostThread.start {
            let descriptor = UnsafePointer<manifold_plugin>(bitPattern: vtable)!
            descriptor.pointee.process(UnsafeMutableRawPointer(bitPattern: instance), call.inputPointer, call.call)
        }
        return (call, returned)
    }

    /// Calls `shutdown`, waits for its `done`, then calls `destroy`; each under `limit`.
    /// After a failure the instance is left as it is (it may be stuck inside plugin code).
    func end(within limit: Duration) -> EndFailure? {
        let done = ShutdownDone()
        let context = Unmanaged.passRetained(done).toOpaque()
        let vtable = UInt(bitPattern: plugin.vtable)
        let instance = UInt(bitPattern: self.instance)
        let address = UInt(bitPattern: context)
        let returned = HostThread.run(within: limit) {
            let descriptor = UnsafePointer<manifold_plugin>(bitPattern: vtable)!
            descriptor.pointee.shutdown(UnsafeMutableRawPointer(bitPattern: instance), probeShutdownDone, UnsafeMutableRawPointer(bitPattern: address))
        }
        guard returned, done.wait(within: limit) else { return .shutdownNeverDone(limit: limit) }
        // A second `done` would come soon after the first, if at all: the plugin's own code
        // path that calls it twice runs on without waiting.
        if done.count > 1 { return .shutdownDoneTwice }
        let destroyed = HostThread.run(within: limit) {
            let descriptor = UnsafePointer<manifold_plugin>(bitPattern: vtable)!
            descriptor.pointee.destroy(UnsafeMutableRawPointer(bitPattern: instance))
        }
        guard destroyed else { return .destroyHung(limit: limit) }
        if done.count > 1 { return .shutdownDoneTwice }
        // Destroyed: the plugin may no longer use the context.
        Unmanaged<ShutdownDone>.fromOpaque(context).release()
        return nil
    }
}

/// The context of one `shutdown`: counts the plugin's `done` calls and wakes the waiter at
/// the first. Retained for the plugin until `destroy` returned; after any failure it is
/// never released, so a plugin that calls `done` late touches live memory and is reported
/// instead of crashing the checker.
final class ShutdownDone: @unchecked Sendable {
    private let calls = Atomic<Int>(0)
    private let first = DispatchSemaphore(value: 0)

    func called() {
        if calls.add(1, ordering: .relaxed).newValue == 1 { first.signal() }
    }

    var count: Int { calls.load(ordering: .relaxed) }

    func wait(within limit: Duration) -> Bool {
        first.wait(timeout: .now() + limit.timeInterval) == .success
    }
}

private let probeShutdownDone: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
    guard let context else { return }
    Unmanaged<ShutdownDone>.fromOpaque(context).takeUnretainedValue().called()
}
