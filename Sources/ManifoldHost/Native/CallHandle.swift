import CManifoldABI
import DequeModule
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The `manifold_call` a plugin is handed for one call, and what it leads to.
///
/// A plugin may keep its call pointer after `complete` (a thread that completes twice, or
/// emits late): the table must then still be readable, and the callback refused, not run on
/// freed memory or on another input's call. So tables are never freed: each belongs to a
/// handle of the process-wide `CallHandlePool`, which leads to its call only while the call
/// runs. Once the host has taken the call's completion the handle is retired (its callbacks
/// refused, returning `MANIFOLD_INVALID_ARGUMENT`, and counted as plugin bugs) and goes to the
/// back of a queue long enough that a late callback meets a retired handle, not a new call,
/// for at least the next `CallHandlePool.quarantine` calls of the process.
final class CallHandle: @unchecked Sendable {
    /// The table the plugin gets; its `context` is this handle.
    let table: UnsafeMutablePointer<manifold_call>
    private let state = Mutex<State>(State())

    private struct State {
        var call: NativeCall?
        /// Callbacks running now through this handle.
        var active = 0
        /// Who is told of a late callback: the instance of the last call.
        weak var lastOwner: NativeInstance?
    }

    fileprivate init() {
        table = .allocate(capacity: 1)
        table.initialize(to: manifold_call())
        table.pointee.struct_size = UInt32(MemoryLayout<manifold_call>.size)
        table.pointee.context = Unmanaged.passUnretained(self).toOpaque()
        table.pointee.emit = callHandleEmit
        table.pointee.complete = callHandleComplete
        table.pointee.is_cancelled = callHandleIsCancelled
        table.pointee.on_cancel = callHandleOnCancel
    }

    /// Leads the handle to `call` (a middleware's call also gets `next`).
    fileprivate func attach(_ call: NativeCall, allowsNext: Bool) {
        table.pointee.next = allowsNext ? nativeCallNext : nil
        state.withLock { state in
            state.call = call
            state.lastOwner = call.owner
        }
    }

    /// Refuses every later callback, after waiting for those already running to return (a
    /// `complete` returning, a late `emit` half done), so none acts on the call once it is reused.
    fileprivate func retire() {
        while true {
            let idle = state.withLock { state in
                state.call = nil
                return state.active == 0
            }
            if idle { return }
            sched_yield()
        }
    }

    /// Runs `body` on the call, or reports a late callback and returns `refused`.
    @inline(__always)
    func withCall<Result>(_ what: String, refused: Result, _ body: (NativeCall) -> Result) -> Result {
        let call: NativeCall? = state.withLock { state in
            guard let call = state.call else { return nil }
            state.active += 1
            return call
        }
        guard let call else {
            state.withLock { $0.lastOwner }?.reportPluginBug("called \(what) on a call that had already ended; it was refused")
            return refused
        }
        defer { state.withLock { $0.active -= 1 } }
        return body(call)
    }
}

/// Every call handle of the process; see `CallHandle`.
enum CallHandlePool {
    /// How many retired handles wait before one is handed out again.
    static let quarantine = 4096

    private static let free = Mutex<Deque<CallHandle>>([])

    /// A handle leading to `call`.
    static func take(for call: NativeCall, allowsNext: Bool) -> CallHandle {
        let reused: CallHandle? = free.withLock { free in
            free.count > quarantine ? free.removeFirst() : nil
        }
        let handle = reused ?? CallHandle()
        handle.attach(call, allowsNext: allowsNext)
        return handle
    }

    /// Retires `handle` and queues it for reuse after the quarantine.
    static func give(back handle: CallHandle) {
        handle.retire()
        free.withLock { $0.append(handle) }
    }
}

// MARK: C entry points of the call table

private func handle(_ context: UnsafeMutableRawPointer?) -> CallHandle {
    Unmanaged<CallHandle>.fromOpaque(context!).takeUnretainedValue()
}

private let callHandleEmit: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?) -> manifold_status = {
    context, view in handle(context).withCall("emit", refused: MANIFOLD_INVALID_ARGUMENT) { $0.emit(view) }
}

private let callHandleComplete: @convention(c) (UnsafeMutableRawPointer?, manifold_status, manifold_str) -> Void = {
    context, status, message in handle(context).withCall("complete", refused: ()) { $0.complete(status: status, message: message.string) }
}

private let callHandleIsCancelled: @convention(c) (UnsafeMutableRawPointer?) -> Bool = { context in
    // A call that ended is, to a plugin still looking at it, cancelled: it should stop.
    handle(context).withCall("is_cancelled", refused: true) { $0.isCancelled }
}

private let callHandleOnCancel:
    @convention(c) (UnsafeMutableRawPointer?, (@convention(c) (UnsafeMutableRawPointer?) -> Void)?, UnsafeMutableRawPointer?) -> Void = {
        context, function, userData in handle(context).withCall("on_cancel", refused: ()) { $0.onCancel(function, userData) }
    }

private let nativeCallNext:
    @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?, UnsafePointer<manifold_next_handler>?) -> Void = {
        context, view, handlerPointer in
        handle(context).withCall("next", refused: ()) { $0.next(view, handlerPointer) }
    }
