import CManifoldABI
import DequeModule
import Foundation
import Manifold
import ManifoldNativeBridge
import Synchronization

/// The host's side of one `process` call into a native plugin.
///
/// The plugin reports through C callbacks, from any thread, during `process` or later:
/// each callback only records an event and wakes the host task, which publishes outputs,
/// runs a middleware's downstream chain, and returns when the plugin completes. A plugin
/// that completes inside `process` never makes the host task suspend.
///
/// No lock of the call is held while plugin code runs (the cancel handler included), so a
/// plugin may call back from anywhere. Cancellation follows std::stop_callback: the handler
/// is never started once `complete` began, and `complete` waits for a handler running on
/// another thread, so the handler's data may be freed once `complete` returned.
final class NativeCall: @unchecked Sendable {
    /// Events carry the plugin's `manifold_next_handler`, whose pointers only go back to the
    /// plugin; they are handed from the plugin's thread to the host task under the lock.
    enum Event: @unchecked Sendable {
        case output(Artifact)
        /// An emit the host refused as malformed: what was wrong and how to fix it.
        case refused(String)
        case next(Artifact, manifold_next_handler, DownstreamScope)
        case complete(status: manifold_status, message: String)

        var isCompletion: Bool {
            if case .complete = self { return true }
            return false
        }
    }

    typealias CancelHandler = (function: @convention(c) (UnsafeMutableRawPointer?) -> Void, userData: UInt)

    private struct State {
        var events = Deque<Event>()
        var waiter: UnsafeContinuation<Void, Never>?
        var cancelled = false
        var completed = false
        var cancelHandler: CancelHandler?
        /// Threads running a cancel handler right now.
        var handlerThreads: [pthread_t] = []
        /// Signalled when the last running handler returns, for a `complete` waiting on it.
        var handlersDone: DispatchSemaphore?
        /// The native calls below the middleware's `next`, from the moment `next` is called
        /// until its downstream ended: what `cancelNext()` cancels.
        var downstream: DownstreamScope?
    }

    /// The instance the call belongs to; it outlives every call it makes (`process` awaits
    /// the call's completion), and is told of callbacks that arrive after `complete`.
    unowned let owner: NativeInstance
    /// The input being processed; set by `start`, before the plugin can see the call.
    private(set) var input: Artifact
    /// The handle whose table the plugin gets for the current input: a new one per input,
    /// retired when the host has taken the completion (`end()`).
    private var handle: CallHandle!
    /// The call table handed to the plugin for the current input.
    var call: UnsafeMutablePointer<manifold_call> { handle.table }
    /// The input's C view; rewritten in place for the next input when the plugin kept no
    /// reference to it.
    private(set) var inputView: NativeArtifactView
    private let state = Mutex(State())

    var node: String { owner.node }

    /// Makes a call for `input`; `start` serves a later input with the same object.
    init(owner: NativeInstance, input: Artifact, allowsNext: Bool) {
        self.owner = owner
        self.input = input
        self.inputView = NativeArtifactView(input)
        handle = CallHandlePool.take(for: self, allowsNext: allowsNext)
    }

    /// Retires the handle: callbacks through it are refused from now on. Only once the host
    /// task has taken the call's completion.
    func end() {
        CallHandlePool.give(back: handle)
    }

    /// Readies a call that completed normally for the next input, keeping its table, its
    /// event queue's storage and, when the plugin holds no reference to it, its input view:
    /// a plugin that completes inside `process` then costs no allocation of the host's per
    /// input beyond the outputs.
    ///
    /// Only for a call whose completion the host task has taken, never cancelled (so no
    /// cancel handler can be running or start); see `NativeInstance.process`.
    func start(input: Artifact, allowsNext: Bool) {
        self.input = input
        if isKnownUniquelyReferenced(&inputView) {
            inputView.rewrite(input)
        } else {
            inputView = NativeArtifactView(input)
        }
        state.withLock { state in
            state.completed = false
            state.cancelled = false
        }
        handle = CallHandlePool.take(for: self, allowsNext: allowsNext)
    }

    // MARK: Callbacks from the plugin (any thread)

    /// Queues an event for the host task; false (nothing queued) once the call completed.
    @discardableResult
    func push(_ event: consuming Event) -> Bool {
        let isCompletion = event.isCompletion
        var pending: Event? = consume event
        let (accepted, waiter): (Bool, UnsafeContinuation<Void, Never>?) = state.withLock { state in
            if state.completed, !isCompletion { return (false, nil) }
            state.events.append(pending.take()!)
            defer { state.waiter = nil }
            return (true, state.waiter)
        }
        waiter?.resume()
        return accepted
    }

    func emit(_ view: UnsafePointer<manifold_artifact>?) -> manifold_status {
        guard let view else { return MANIFOLD_INVALID_ARGUMENT }
        var output: Artifact
        do {
            output = try Artifact(
                adopting: view, knownType: KnownArtifactType(text: inputView.pointer.pointee.type, type: input.type),
                recent: owner.recentOutputs)
        } catch {
            if !push(.refused(Self.malformedOutputProblem(error, node: node, plugin: owner.plugin.descriptor.name))) {
                owner.reportPluginBug("emitted a malformed artifact after completing its call")
            }
            return MANIFOLD_INVALID_ARGUMENT
        }
        // Stamped as a Streamer stamps outputs, while this is the only reference: the Streamer
        // then finds nothing to change, and a change would copy the artifact.
        output.origin = node
        if output.correlationID == nil { output.correlationID = input.correlationID ?? input.id.rawValue }
        // Moved into the queue rather than copied: a copy retains and releases every field.
        var pending: Event? = .output(output)
        // One lock: whether the call still takes outputs, and the output queued if it does.
        let (status, waiter): (manifold_status, UnsafeContinuation<Void, Never>?) = state.withLock { state in
            if state.completed { return (MANIFOLD_INVALID_ARGUMENT, nil) }
            if state.cancelled { return (MANIFOLD_CANCELLED, nil) }
            state.events.append(pending.take()!)
            defer { state.waiter = nil }
            return (MANIFOLD_OK, state.waiter)
        }
        waiter?.resume()
        if status == MANIFOLD_INVALID_ARGUMENT, case .output(let dropped)? = pending {
            owner.reportPluginBug("emitted an artifact of type \(dropped.type) after completing its call; it was dropped")
        }
        return status
    }

    func complete(status: manifold_status, message: String) {
        let current = pthread_self()
        let (first, wait): (Bool, DispatchSemaphore?) = state.withLock { state in
            guard !state.completed else { return (false, nil) }
            state.completed = true
            state.cancelHandler = nil
            // A handler running on another thread may still use its data: wait for it, unless
            // this complete is called from inside that very handler.
            let others = state.handlerThreads.contains { pthread_equal($0, current) == 0 }
            guard others, !state.handlerThreads.contains(where: { pthread_equal($0, current) != 0 }) else { return (true, nil) }
            let semaphore = state.handlersDone ?? DispatchSemaphore(value: 0)
            state.handlersDone = semaphore
            return (true, semaphore)
        }
        guard first else {
            owner.reportPluginBug("completed its call a second time; the second completion was ignored")
            return
        }
        wait?.wait()
        push(.complete(status: status, message: message))
    }

    var isCancelled: Bool {
        state.withLock { $0.cancelled }
    }

    /// A middleware's `next`: its downstream runs in a scope of its own, which the plugin
    /// can cancel from now on (`manifold.cancel-next`), even before the host task starts it.
    func startNext(_ input: Artifact, handler: manifold_next_handler) {
        let scope = DownstreamScope()
        state.withLock { $0.downstream = scope }
        push(.next(input, handler, scope))
    }

    /// The downstream of `scope` ended.
    func endNext(_ scope: DownstreamScope) {
        state.withLock { state in
            if state.downstream === scope { state.downstream = nil }
        }
    }

    /// Cancels the native calls below the running `next` (`manifold.cancel-next`); nothing
    /// when no `next` runs.
    func cancelNext() {
        state.withLock { $0.downstream }?.cancel()
    }

    func onCancel(_ handler: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?, _ userData: UnsafeMutableRawPointer?) {
        let runNow: CancelHandler? = state.withLock { state in
            guard !state.completed else { return nil }
            guard let handler else {
                state.cancelHandler = nil
                return nil
            }
            let registered: CancelHandler = (handler, UInt(bitPattern: userData))
            guard state.cancelled else {
                state.cancelHandler = registered
                return nil
            }
            state.handlerThreads.append(pthread_self())
            return registered
        }
        if let runNow { run(runNow) }
    }

    // MARK: The host side

    /// Marks the call cancelled and runs the plugin's handler, once, outside the lock.
    func cancel() {
        let handler: CancelHandler? = state.withLock { state in
            guard !state.cancelled else { return nil }
            state.cancelled = true
            guard !state.completed, let registered = state.cancelHandler else { return nil }
            state.cancelHandler = nil
            state.handlerThreads.append(pthread_self())
            return registered
        }
        if let handler { run(handler) }
    }

    private func run(_ handler: CancelHandler) {
        PluginCrashReport.running(owner.crashDescription) { handler.function(UnsafeMutableRawPointer(bitPattern: handler.userData)) }
        let current = pthread_self()
        let done: DispatchSemaphore? = state.withLock { state in
            if let index = state.handlerThreads.firstIndex(where: { pthread_equal($0, current) != 0 }) {
                state.handlerThreads.remove(at: index)
            }
            guard state.handlerThreads.isEmpty else { return nil }
            defer { state.handlersDone = nil }
            return state.handlersDone
        }
        done?.signal()
    }

    /// Waits for the next event the plugin reported. One at a time, so the queue keeps its
    /// storage from one input to the next instead of handing it over.
    func nextEvent() async -> Event {
        while true {
            if let event = state.withLock({ $0.events.popFirst() }) { return event }
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

    /// Takes the outputs, and refused emits, at the head of the queue (a middleware's
    /// forwarded outputs).
    /// The outputs and the completion, when the plugin has completed the call and emitted
    /// nothing but outputs (no refused emit, no `next`): a call finished inside `process`,
    /// whose outputs can go downstream as one batch. `nil` otherwise, taking nothing.
    func takeOutputsIfCompleted() -> (outputs: [Artifact], status: manifold_status, message: String)? {
        state.withLock { state in
            guard state.completed, case .complete(let status, let message)? = state.events.last else { return nil }
            var outputs: [Artifact] = []
            outputs.reserveCapacity(state.events.count - 1)
            for event in state.events.dropLast() {
                guard case .output(let artifact) = event else { return nil }
                outputs.append(artifact)
            }
            state.events.removeAll(keepingCapacity: true)
            return (outputs, status, message)
        }
    }

    func takeLeadingOutputs() -> [Event] {
        state.withLock { state in
            var outputs: [Event] = []
            while let event = state.events.first {
                switch event {
                case .output, .refused: outputs.append(event)
                case .next, .complete: return outputs
                }
                state.events.removeFirst()
            }
            return outputs
        }
    }

    /// A middleware's `next` callback: the downstream input and the plugin's handler.
    func next(_ view: UnsafePointer<manifold_artifact>?, _ handlerPointer: UnsafePointer<manifold_next_handler>?) {
        guard let handlerPointer else {
            push(.refused(NativeCall.malformedOutputProblem(
                NativeArtifactError(reason: "next was called without a handler", fix: "pass a manifold_next_handler to next"),
                node: node, plugin: owner.plugin.descriptor.name)))
            return
        }
        let handler = StructPrefix.read(handlerPointer, declaredSize: Int(handlerPointer.pointee.struct_size))
        do {
            guard let view else { throw NativeArtifactError(reason: "next called without an input") }
            var next = try Artifact(adopting: view, recent: owner.recentOutputs)
            next.origin = input.origin
            if next.correlationID == nil { next.correlationID = input.correlationID }
            startNext(next, handler: handler)
        } catch {
            // Report the bad input to the plugin as a failed downstream call.
            "\(error)".withManifoldStr { text in
                handler.on_complete?(handler.user_data, MANIFOLD_INVALID_ARGUMENT, text)
            }
        }
    }

    /// What a run reports for an emit the host refused: the node, the plugin, what was
    /// malformed, what the plugin was told, and the fix.
    static func malformedOutputProblem(_ error: any Error, node: String, plugin: String) -> String {
        let fix = (error as? NativeArtifactError)?.fix ?? "fill the manifold_artifact as manifold/artifact.h describes"
        return "node '\(node)' (plugin '\(plugin)') emitted a malformed artifact: \(error); "
            + "it was dropped and the emit returned MANIFOLD_INVALID_ARGUMENT; fix the plugin: \(fix)"
    }
}
