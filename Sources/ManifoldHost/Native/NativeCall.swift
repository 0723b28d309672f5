import CManifoldABI
import DequeModule
import Manifold
import ManifoldNativeBridge
import Synchronization

/// The host's side of one `process` call into a native plugin.
///
/// The plugin reports through C callbacks, from any thread, during `process` or later:
/// each callback only records an event and wakes the host task, which publishes outputs,
/// runs a middleware's downstream chain, and returns when the plugin completes. A plugin
/// that completes inside `process` never makes the host task suspend.
final class NativeCall: @unchecked Sendable {
    /// Events carry the plugin's `manifold_next_handler`, whose pointers only go back to the
    /// plugin; they are handed from the plugin's thread to the host task under the lock.
    enum Event: @unchecked Sendable {
        case output(Artifact)
        case next(Artifact, manifold_next_handler)
        case complete(status: manifold_status, message: String)
    }

    private struct State {
        var events = Deque<Event>()
        var waiter: UnsafeContinuation<Void, Never>?
        var cancelled = false
        var completed = false
        var cancelHandler: (handler: @convention(c) (UnsafeMutableRawPointer?) -> Void, userData: UInt)?
    }

    let node: String
    let input: Artifact
    let call: UnsafeMutablePointer<manifold_call>
    let inputView: NativeArtifactView
    private let state = Mutex(State())

    init(node: String, input: Artifact, allowsNext: Bool) {
        self.node = node
        self.input = input
        self.inputView = NativeArtifactView(input)
        call = .allocate(capacity: 1)
        call.initialize(to: manifold_call())
        call.pointee.struct_size = UInt32(MemoryLayout<manifold_call>.size)
        call.pointee.context = Unmanaged.passUnretained(self).toOpaque()
        call.pointee.emit = nativeCallEmit
        call.pointee.complete = nativeCallComplete
        call.pointee.is_cancelled = nativeCallIsCancelled
        call.pointee.on_cancel = nativeCallOnCancel
        call.pointee.next = allowsNext ? nativeCallNext : nil
    }

    deinit {
        call.deinitialize(count: 1)
        call.deallocate()
    }

    // MARK: Callbacks from the plugin (any thread)

    func push(_ event: Event) {
        let waiter: UnsafeContinuation<Void, Never>? = state.withLock { state in
            state.events.append(event)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func emit(_ view: UnsafePointer<manifold_artifact>?) -> manifold_status {
        guard let view else { return MANIFOLD_INVALID_ARGUMENT }
        if isCancelled { return MANIFOLD_CANCELLED }
        do {
            var output = try Artifact(copying: view)
            output.origin = node
            if output.correlationID == nil { output.correlationID = input.correlationID }
            push(.output(output))
            return MANIFOLD_OK
        } catch {
            push(.output(Self.refusedOutput(error, node: node)))
            return MANIFOLD_INVALID_ARGUMENT
        }
    }

    func complete(status: manifold_status, message: String) {
        let first: Bool = state.withLock { state in
            guard !state.completed else { return false }
            state.completed = true
            state.cancelHandler = nil
            return true
        }
        // A second complete is a plugin bug; ignoring it keeps the host consistent.
        if first { push(.complete(status: status, message: message)) }
    }

    var isCancelled: Bool {
        state.withLock { $0.cancelled }
    }

    func onCancel(_ handler: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?, _ userData: UnsafeMutableRawPointer?) {
        // The handler runs with the call locked, so it can never run after `complete`
        // returned and the plugin freed `userData`; the header says it must not call back.
        state.withLock { state in
            guard let handler, !state.completed else { return }
            if state.cancelled {
                handler(userData)
            } else {
                state.cancelHandler = (handler, UInt(bitPattern: userData))
            }
        }
    }

    // MARK: The host task

    /// Marks the call cancelled and tells the plugin, once.
    func cancel() {
        state.withLock { state in
            guard !state.cancelled else { return }
            state.cancelled = true
            if let registered = state.cancelHandler, !state.completed {
                state.cancelHandler = nil
                registered.handler(UnsafeMutableRawPointer(bitPattern: registered.userData))
            }
        }
    }

    /// Waits for the next events the plugin reported.
    func takeEvents() async -> Deque<Event> {
        while true {
            let events: Deque<Event> = state.withLock { state in
                defer { state.events.removeAll() }
                return state.events
            }
            if !events.isEmpty { return events }
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let ready: Bool = state.withLock { state in
                    if !state.events.isEmpty { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    /// Takes the outputs at the head of the queue (a middleware's forwarded outputs).
    func takeLeadingOutputs() -> [Artifact] {
        state.withLock { state in
            var outputs: [Artifact] = []
            while case .output(let artifact)? = state.events.first {
                outputs.append(artifact)
                state.events.removeFirst()
            }
            return outputs
        }
    }

    /// A stand-in for an output the host could not accept, so the error reaches the
    /// Streamer's failure accounting instead of vanishing.
    static func refusedOutput(_ error: any Error, node: String) -> Artifact {
        Artifact.text("\(error)", type: .error, metadata: [MetadataKey.errorNode: node], origin: node)
    }
}

// MARK: C entry points of the call table

private func nativeCall(_ context: UnsafeMutableRawPointer?) -> NativeCall {
    Unmanaged<NativeCall>.fromOpaque(context!).takeUnretainedValue()
}

private let nativeCallEmit: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?) -> manifold_status = {
    context, view in nativeCall(context).emit(view)
}

private let nativeCallComplete: @convention(c) (UnsafeMutableRawPointer?, manifold_status, manifold_str) -> Void = {
    context, status, message in nativeCall(context).complete(status: status, message: message.string)
}

private let nativeCallIsCancelled: @convention(c) (UnsafeMutableRawPointer?) -> Bool = { context in
    nativeCall(context).isCancelled
}

private let nativeCallOnCancel:
    @convention(c) (UnsafeMutableRawPointer?, (@convention(c) (UnsafeMutableRawPointer?) -> Void)?, UnsafeMutableRawPointer?) -> Void = {
        context, handler, userData in nativeCall(context).onCancel(handler, userData)
    }

private let nativeCallNext:
    @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?, UnsafePointer<manifold_next_handler>?) -> Void = {
        context, view, handler in
        let call = nativeCall(context)
        guard let view, let handler else {
            call.push(.output(NativeCall.refusedOutput(NativeArtifactError(reason: "next called without an input or handler"), node: call.node)))
            return
        }
        do {
            var next = try Artifact(copying: view)
            next.origin = call.input.origin
            if next.correlationID == nil { next.correlationID = call.input.correlationID }
            call.push(.next(next, handler.pointee))
        } catch {
            // Report the bad input to the plugin as a failed downstream call.
            let text = "\(error)"
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                    handler.pointee.on_complete?(handler.pointee.user_data, MANIFOLD_INVALID_ARGUMENT, manifold_str(data: pointer, length: buffer.count))
                }
            }
        }
    }
