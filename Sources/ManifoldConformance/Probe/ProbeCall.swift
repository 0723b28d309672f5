import CManifoldABI
import Foundation
import Manifold
import ManifoldNativeBridge
import Synchronization

/// The checker's side of one `process` call: the call table handed to the plugin, and a
/// record of everything the plugin did with it.
///
/// The real host's call (`NativeCall`) turns the plugin's callbacks into a stream of
/// outputs and hides what the contract forbids (a second `complete` is refused and only
/// counted, a late `emit` dropped). The checker needs to see exactly that, so it keeps its
/// own table: every completion, every emit before and after `complete`, every malformed
/// artifact, the moment of completion. It follows the same rules the real host promises
/// (call.h): no lock held while plugin code runs, the cancel handler run at most once and
/// never after `complete` began, and `complete` waiting for a handler running on another
/// thread — so a plugin that is correct against the host is correct here.
///
/// The object must outlive the plugin's use of the call: the checker keeps every call until
/// its process ends.
final class ProbeCall: @unchecked Sendable {
    /// What a middleware's `next` does in place of the rest of a node's chain.
    enum Downstream: Sendable {
        /// Emits the input back, then completes: a chain that works.
        case echo
        /// Emits the input back, then waits until the call or its `next` is cancelled (or
        /// `limit` passes) and completes with `MANIFOLD_CANCELLED`: a chain still working
        /// when cancellation comes, like a model call waiting on a slow server.
        case untilCancelled(limit: Duration)
    }

    /// One `complete` the plugin made.
    struct Completion: Sendable {
        var status: manifold_status
        var message: String
    }

    typealias CancelHandler = (function: @convention(c) (UnsafeMutableRawPointer?) -> Void, userData: UInt)

    private struct State {
        var cancelled = false
        var cancelledAt: ContinuousClock.Instant?
        var handler: CancelHandler?
        var handlerThreads: [pthread_t] = []
        var handlersDone: DispatchSemaphore?
        var handlerRuns = 0
        var completions: [Completion] = []
        var completedAt: ContinuousClock.Instant?
        var outputs: [Artifact] = []
        var emittedTypes: [ArtifactType] = []
        var malformed: [String] = []
        var emitsAfterComplete = 0
        /// Outputs that passed the input's payload on by reference.
        var forwardsOfInput = 0
        /// Those of them the plugin had not retained the input's payload for.
        var unretainedForwards = 0
        var nextRunning = false
        var problems: [String] = []
        /// What stops the running `next`'s stand-in chain, and whether it was stopped.
        var downstreamStop: DispatchSemaphore?
        var downstreamStopped = false
    }

    /// The input the call processes.
    let input: Artifact
    /// The call table handed to the plugin.
    let call: UnsafeMutablePointer<manifold_call>
    private let inputView: NativeArtifactView
    private let cancelsInsideEmit: Bool
    private let downstream: Downstream
    private let state = Mutex(State())
    private let firstCompletion = DispatchSemaphore(value: 0)

    /// A call for `input`.
    ///
    /// - Parameters:
    ///   - allowsNext: gives the call a `next` (middleware); NULL for a generator.
    ///   - cancelsInsideEmit: the first `emit` cancels the call before it returns, so the
    ///     plugin's cancel handler runs inside its own `emit`.
    init(input: Artifact, allowsNext: Bool, downstream: Downstream = .echo, cancelsInsideEmit: Bool = false) {
        self.input = input
        self.inputView = NativeArtifactView(input)
        InputRetains.count(inputView.pointer)
        self.downstream = downstream
        self.cancelsInsideEmit = cancelsInsideEmit
        call = .allocate(capacity: 1)
        call.initialize(to: manifold_call())
        call.pointee.struct_size = UInt32(MemoryLayout<manifold_call>.size)
        call.pointee.context = Unmanaged.passUnretained(self).toOpaque()
        call.pointee.emit = probeEmit
        call.pointee.complete = probeComplete
        call.pointee.is_cancelled = probeIsCancelled
        call.pointee.on_cancel = probeOnCancel
        call.pointee.next = allowsNext ? probeNext : nil
    }

    deinit {
        call.deinitialize(count: 1)
        call.deallocate()
    }

    /// The input's C view, valid as long as the call.
    var inputPointer: UnsafePointer<manifold_artifact> { inputView.pointer }

    // MARK: What the plugin did

    /// Every `complete`, in order: exactly one is right.
    var completions: [Completion] { state.withLock { $0.completions } }
    /// The outputs the call accepted (before completion and cancellation).
    var outputs: [Artifact] { state.withLock { $0.outputs } }
    /// The type of every well-formed emit of the plugin's own, accepted or not.
    var emittedTypes: [ArtifactType] { state.withLock { $0.emittedTypes } }
    /// Why each malformed emit was refused.
    var malformed: [String] { state.withLock { $0.malformed } }
    /// Emits after the call completed.
    var emitsAfterComplete: Int { state.withLock { $0.emitsAfterComplete } }
    /// Outputs that passed the input's payload on by reference (its owner and release).
    var forwardsOfInput: Int { state.withLock { $0.forwardsOfInput } }
    /// Outputs that passed the input's payload on by reference without the plugin having
    /// retained it for them first.
    var unretainedForwards: Int { state.withLock { $0.unretainedForwards } }
    /// How often the plugin's cancel handler ran.
    var handlerRuns: Int { state.withLock { $0.handlerRuns } }
    /// Misuses of `next` and `on_cancel`, each a sentence.
    var problems: [String] { state.withLock { $0.problems } }
    /// How long after cancellation the first completion came; `nil` when either is missing.
    var completionAfterCancel: Duration? {
        state.withLock { state in
            guard let cancelled = state.cancelledAt, let completed = state.completedAt else { return nil }
            return completed - cancelled
        }
    }
    /// Whether the call completed before it was cancelled (or was never cancelled).
    var completedBeforeCancel: Bool {
        state.withLock { state in
            guard let completed = state.completedAt else { return false }
            guard let cancelled = state.cancelledAt else { return true }
            return completed < cancelled
        }
    }
    /// Whether the plugin has completed the call.
    var isCompleted: Bool { state.withLock { !$0.completions.isEmpty } }

    /// Waits for the first `complete`; false when `limit` passed first.
    func waitForCompletion(within limit: Duration) -> Bool {
        if isCompleted { return true }
        guard firstCompletion.wait(timeout: .now() + limit.timeInterval) == .success else { return false }
        firstCompletion.signal()
        return true
    }

    // MARK: Callbacks from the plugin (any thread)

    /// `call->emit`; `forwardedByHost` for an output of the stand-in chain that a middleware
    /// without `on_emit` lets through unchanged (its type is the chain's, not the plugin's).
    func emit(_ view: UnsafePointer<manifold_artifact>?, forwardedByHost: Bool = false) -> manifold_status {
        guard let view else {
            state.withLock { $0.malformed.append("emit was called with a NULL artifact") }
            return MANIFOLD_INVALID_ARGUMENT
        }
        if !forwardedByHost { checkOwnership(of: view.pointee.payload) }
        let artifact: Artifact
        do {
            artifact = try Artifact(adopting: view)
        } catch {
            state.withLock { $0.malformed.append("\(error)") }
            return MANIFOLD_INVALID_ARGUMENT
        }
        let (status, cancelNow): (manifold_status, Bool) = state.withLock { state in
            if !forwardedByHost { state.emittedTypes.append(artifact.type) }
            if !state.completions.isEmpty {
                state.emitsAfterComplete += 1
                return (MANIFOLD_INVALID_ARGUMENT, false)
            }
            if state.cancelled { return (MANIFOLD_CANCELLED, false) }
            state.outputs.append(artifact)
            return (MANIFOLD_OK, cancelsInsideEmit)
        }
        guard cancelNow else { return status }
        cancel()
        return MANIFOLD_CANCELLED
    }

    /// An output whose payload has the input's owner and a `release` hands over a reference
    /// to the input's payload: the plugin must have taken one (`retain`) for each such output.
    /// When it did not, the missing reference is taken for it, so the check can go on.
    private func checkOwnership(of payload: manifold_payload) {
        let owner = inputView.pointer.pointee.payload.owner
        guard payload.release != nil, payload.owner == owner else { return }
        let unretained: Bool = state.withLock { state in
            state.forwardsOfInput += 1
            guard InputRetains.taken(by: owner) < state.forwardsOfInput else { return false }
            state.unretainedForwards += 1
            return true
        }
        if unretained { InputRetains.retainOnBehalf(of: owner) }
    }

    func complete(status: manifold_status, message: String) {
        let current = pthread_self()
        let (first, wait): (Bool, DispatchSemaphore?) = state.withLock { state in
            state.completions.append(Completion(status: status, message: message))
            guard state.completions.count == 1 else { return (false, nil) }
            state.completedAt = .now
            state.handler = nil
            // A handler running on another thread may still use its data: wait for it,
            // unless this complete is called from inside that very handler.
            let insideHandler = state.handlerThreads.contains { pthread_equal($0, current) != 0 }
            guard !insideHandler, !state.handlerThreads.isEmpty else { return (true, nil) }
            let semaphore = state.handlersDone ?? DispatchSemaphore(value: 0)
            state.handlersDone = semaphore
            return (true, semaphore)
        }
        wait?.wait()
        if first { firstCompletion.signal() }
    }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    func onCancel(_ function: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?, _ userData: UnsafeMutableRawPointer?) {
        let runNow: CancelHandler? = state.withLock { state in
            guard state.completions.isEmpty else {
                state.problems.append("registered a cancel handler after completing the call")
                return nil
            }
            guard let function else {
                state.handler = nil
                return nil
            }
            let registered: CancelHandler = (function, UInt(bitPattern: userData))
            guard state.cancelled else {
                state.handler = registered
                return nil
            }
            state.handlerThreads.append(pthread_self())
            return registered
        }
        if let runNow { run(runNow) }
    }

    // MARK: The checker's side

    /// Cancels the call, as the host does when a run stops: marks it cancelled, runs the
    /// plugin's handler once on this thread, and stops a running `next`'s stand-in chain.
    /// Later calls do nothing.
    func cancel() {
        let handler: CancelHandler? = state.withLock { state in
            guard !state.cancelled else { return nil }
            state.cancelled = true
            state.cancelledAt = .now
            guard state.completions.isEmpty, let registered = state.handler else { return nil }
            state.handler = nil
            state.handlerThreads.append(pthread_self())
            return registered
        }
        stopDownstream()
        if let handler { run(handler) }
    }

    /// `manifold.cancel-next`: stops the stand-in chain of the running `next` (a later
    /// `next` is not affected).
    func cancelNext() {
        stopDownstream()
    }

    private func stopDownstream() {
        let stop: DispatchSemaphore? = state.withLock { state in
            guard let stop = state.downstreamStop, !state.downstreamStopped else { return nil }
            state.downstreamStopped = true
            return stop
        }
        stop?.signal()
    }

    private func run(_ handler: CancelHandler) {
        handler.function(UnsafeMutableRawPointer(bitPattern: handler.userData))
        let current = pthread_self()
        let done: DispatchSemaphore? = state.withLock { state in
            state.handlerRuns += 1
            if let index = state.handlerThreads.firstIndex(where: { pthread_equal($0, current) != 0 }) {
                state.handlerThreads.remove(at: index)
            }
            guard state.handlerThreads.isEmpty else { return nil }
            defer { state.handlersDone = nil }
            return state.handlersDone
        }
        done?.signal()
    }

    // MARK: A middleware's downstream

    /// `next`: the rest of the chain, played by the checker on a thread of its own (the real
    /// host runs it in another task too, so `on_complete` never arrives inside `next`).
    func next(_ view: UnsafePointer<manifold_artifact>?, handler pointer: UnsafePointer<manifold_next_handler>?) {
        guard let pointer else {
            state.withLock { $0.problems.append("called next without a handler") }
            return
        }
        let handler = StructPrefix.read(pointer, declaredSize: Int(pointer.pointee.struct_size))
        let stop = DispatchSemaphore(value: 0)
        let (accepted, cancelled): (Bool, Bool) = state.withLock { state in
            if !state.completions.isEmpty {
                state.problems.append("called next after completing the call")
                return (false, false)
            }
            if state.nextRunning {
                state.problems.append("called next while its previous next was still running")
                return (false, false)
            }
            state.nextRunning = true
            // The chain of a call already cancelled stops as soon as it starts.
            state.downstreamStop = stop
            state.downstreamStopped = state.cancelled
            return (true, state.cancelled)
        }
        guard accepted else { return }
        if cancelled { stop.signal() }
        let forwarded: Artifact
        do {
            guard let view else { throw NativeArtifactError(reason: "next was called without an input") }
            forwarded = try Artifact(adopting: view)
        } catch {
            state.withLock {
                $0.nextRunning = false
                $0.malformed.append("next: \(error)")
            }
            "\(error)".withManifoldStr { text in handler.on_complete?(handler.user_data, MANIFOLD_INVALID_ARGUMENT, text) }
            return
        }
        // The handler's pointers only go back to the plugin; carried as addresses.
        let userData = UInt(bitPattern: handler.user_data)
        let onEmit = handler.on_emit
        let onComplete = handler.on_complete
        let downstream = self.downstream
        Thread.detachNewThread { [self] in
            var status = MANIFOLD_OK
            let output = NativeArtifactView(forwarded)
            let emitted: manifold_status
            if let onEmit {
                emitted = withExtendedLifetime(output) { onEmit(UnsafeMutableRawPointer(bitPattern: userData), output.pointer) }
            } else {
                output.retainForTransfer()
                emitted = emit(output.pointer, forwardedByHost: true)
            }
            if emitted == MANIFOLD_CANCELLED { status = MANIFOLD_CANCELLED }
            if case .untilCancelled(let limit) = downstream, status == MANIFOLD_OK {
                _ = stop.wait(timeout: .now() + limit.timeInterval)
                status = MANIFOLD_CANCELLED
            }
            state.withLock { state in
                state.nextRunning = false
                state.downstreamStop = nil
            }
            let message = status == MANIFOLD_OK ? "" : "cancelled"
            message.withManifoldStr { text in onComplete?(UnsafeMutableRawPointer(bitPattern: userData), status, text) }
        }
    }
}

extension Duration {
    /// The duration in seconds, for Dispatch's timeouts.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}

// MARK: C entry points of the call table

private func probeCall(_ context: UnsafeMutableRawPointer?) -> ProbeCall {
    Unmanaged<ProbeCall>.fromOpaque(context!).takeUnretainedValue()
}

private let probeEmit: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?) -> manifold_status = {
    context, view in probeCall(context).emit(view)
}

private let probeComplete: @convention(c) (UnsafeMutableRawPointer?, manifold_status, manifold_str) -> Void = {
    context, status, message in probeCall(context).complete(status: status, message: message.string)
}

private let probeIsCancelled: @convention(c) (UnsafeMutableRawPointer?) -> Bool = { context in
    probeCall(context).isCancelled
}

private let probeOnCancel:
    @convention(c) (UnsafeMutableRawPointer?, (@convention(c) (UnsafeMutableRawPointer?) -> Void)?, UnsafeMutableRawPointer?) -> Void = {
        context, handler, userData in probeCall(context).onCancel(handler, userData)
    }

private let probeNext:
    @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<manifold_artifact>?, UnsafePointer<manifold_next_handler>?) -> Void = {
        context, view, handler in probeCall(context).next(view, handler: handler)
    }
