import CManifoldABI
import Foundation
import Manifold
import ManifoldNativeBridge
import Synchronization

/// The plugin's side of one `process` call: the host's call table, valid until `complete`.
///
/// The table is read within the `struct_size` the host declared: a function an older host
/// does not have is absent (`next` of a generator's call, say), never garbage.
struct HostCall: @unchecked Sendable {
    let table: UnsafePointer<manifold_call>
    private let functions: manifold_call

    init(table: UnsafePointer<manifold_call>) {
        self.table = table
        self.functions = StructPrefix.read(table, declaredSize: Int(table.pointee.struct_size))
    }

    /// Sends an output to the host. A large payload is lent, not copied: the host holds a
    /// reference to the bytes for as long as it needs them.
    func emit(_ artifact: Artifact) throws {
        guard let emit = functions.emit else { throw PluginCallError(message: "the host's call has no emit") }
        let status = artifact.withOutputView { emit(functions.context, $0) }
        switch status {
        case MANIFOLD_OK: return
        case MANIFOLD_CANCELLED: throw CancellationError()
        default: throw PluginCallError(message: "the host refused output of type \(artifact.type) (status \(status))")
        }
    }

    /// Ends the call. Nothing of the call may be touched afterwards.
    func complete(_ status: manifold_status, _ message: String) {
        // Success carries no message: no string to lay out, once per input.
        if message.isEmpty { return functions.complete?(functions.context, status, manifold_str(data: nil, length: 0)) ?? () }
        message.withManifoldStr { text in functions.complete?(functions.context, status, text) }
    }

    /// Ends the call with the outcome of the plugin's Swift code.
    func complete(with error: (any Error)?) {
        // The success path first, without a dynamic cast: it runs once per input.
        guard let error else { return complete(MANIFOLD_OK, "") }
        if error is CancellationError { return complete(MANIFOLD_CANCELLED, "cancelled") }
        complete(MANIFOLD_ERROR, "\(error)")
    }

    /// Registers the host-side cancellation handler.
    func onCancel(_ handler: @escaping @convention(c) (UnsafeMutableRawPointer?) -> Void, _ userData: UnsafeMutableRawPointer) {
        functions.on_cancel?(functions.context, handler, userData)
    }

    /// Runs the rest of the host's chain on `input`, forwarding its outputs to `context`.
    ///
    /// When the task awaiting it is cancelled (a `timeout` middleware's limit ran out), the
    /// downstream is cancelled through `cancelNext` (the host's `manifold.cancel-next`), so a
    /// downstream that emits nothing, such as a model call waiting on a silent server, stops
    /// too; this still returns only once the host reported the downstream's end.
    func next(
        _ input: Artifact, context: ProcessingContext,
        cancelNext: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?
    ) async throws {
        guard let nextFunction = functions.next else { throw PluginCallError(message: "next is only offered to middleware") }
        let state = NextCallState()
        let userData = Unmanaged.passRetained(state).toOpaque()
        var handler = manifold_next_handler()
        handler.struct_size = UInt32(MemoryLayout<manifold_next_handler>.size)
        handler.user_data = userData
        handler.on_emit = nextOnEmit
        handler.on_complete = nextOnComplete
        _ = input.withOutputView { view in
            nextFunction(functions.context, view, &handler)
            return MANIFOLD_OK
        }
        // The call's context is an address the host handed over; carried as such into the
        // cancellation handler, which may run on any thread.
        let callContext = UInt(bitPattern: functions.context)
        try await withTaskCancellationHandler {
            var failure: (any Error)?
            while true {
                for event in await state.takeEvents() {
                    switch event {
                    case .output(let artifact):
                        guard failure == nil else { continue }
                        do { try await context.emit(artifact) } catch { failure = error }
                    case .complete(let status, let message):
                        // The host calls on_complete once and never touches userData again.
                        Unmanaged<NextCallState>.fromOpaque(userData).release()
                        if let failure { throw failure }
                        switch status {
                        case MANIFOLD_OK: return
                        case MANIFOLD_CANCELLED: throw CancellationError()
                        default: throw PluginCallError(message: message)
                        }
                    }
                }
            }
        } onCancel: {
            cancelNext?(UnsafeMutableRawPointer(bitPattern: callContext))
        }
    }
}

/// An error the host reported to the plugin.
public struct PluginCallError: Error, CustomStringConvertible {
    /// The host's text.
    public let message: String
    public var description: String { message }
}

/// What a middleware's `next` receives back from the host, in order.
final class NextCallState: @unchecked Sendable {
    enum Event {
        case output(Artifact)
        case complete(manifold_status, String)
    }

    private let state = Mutex<(events: [Event], waiter: UnsafeContinuation<Void, Never>?)>(([], nil))

    func push(_ event: Event) {
        let waiter = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            state.events.append(event)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func takeEvents() async -> [Event] {
        while true {
            let events = state.withLock { state -> [Event] in
                defer { state.events.removeAll() }
                return state.events
            }
            if !events.isEmpty { return events }
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if !state.events.isEmpty { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }
}

private let nextOnEmit: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?) -> manifold_status = {
    userData, view in
    guard let userData, let view, let artifact = try? Artifact(borrowing: view) else { return MANIFOLD_INVALID_ARGUMENT }
    Unmanaged<NextCallState>.fromOpaque(userData).takeUnretainedValue().push(.output(artifact))
    return MANIFOLD_OK
}

private let nextOnComplete: @convention(c) (UnsafeMutableRawPointer?, manifold_status, manifold_str) -> Void = {
    userData, status, message in
    guard let userData else { return }
    Unmanaged<NextCallState>.fromOpaque(userData).takeUnretainedValue().push(.complete(status, message.string))
}

/// Cancels the Swift task serving a call when the host cancels the call.
final class CallCancellation: @unchecked Sendable {
    private let state = Mutex<(task: Task<Void, Never>?, cancelled: Bool)>((nil, false))

    func attach(_ task: Task<Void, Never>) {
        let cancelNow = state.withLock { state -> Bool in
            state.task = task
            return state.cancelled
        }
        if cancelNow { task.cancel() }
    }

    func cancel() {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}

let callCancelHandler: @convention(c) (UnsafeMutableRawPointer?) -> Void = { userData in
    guard let userData else { return }
    Unmanaged<CallCancellation>.fromOpaque(userData).takeUnretainedValue().cancel()
}
