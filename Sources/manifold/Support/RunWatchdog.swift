import Foundation
import Synchronization

/// Decides when `manifold run` stops, and makes sure it does, from a thread of its own.
///
/// It is started before anything else of the run, so `--timeout` counts from launch (reading
/// standard input included) and no SIGINT or SIGTERM meets its default action.
///
/// - The first SIGINT or SIGTERM asks the run to stop gracefully (`Hooks.stop`): no more
///   input is read, and what is in flight drains through every node to the outputs.
/// - The second, or the time limit, cancels the run (`Hooks.cancel`) and gives it `grace` to
///   end. Past that, the watchdog names the nodes still busy (`Hooks.busy`) and ends the
///   process itself: status 124 for the time limit, 128 + the signal's number otherwise.
///   Later signals change nothing: the end is at most `grace` away.
///
/// The thread waits in `poll(2)` on the signals' pipe with the next deadline as its timeout,
/// and never on the Swift concurrency pool: a plugin blocked inside `process` (a `sleep`, a
/// read that never returns) may hold every thread of that pool, two on two cores, and with
/// them every task, timer and timeout of the process.
final class RunWatchdog: Sendable {
    /// How the watchdog reaches the run, once there is one.
    struct Hooks: Sendable {
        /// Asks for a graceful stop; must not block.
        var stop: @Sendable () -> Void
        /// Cancels the run; must not block.
        var cancel: @Sendable () -> Void
        /// Which nodes are busy and with how much, for the message when the grace runs out;
        /// must not wait on anything a plugin may hold.
        var busy: @Sendable () -> String
        /// Writes out the outputs printed but still buffered, right before the process ends;
        /// must not wait (a write blocked on a full pipe holds what it would wait for).
        var flushOutputs: @Sendable () -> Void = {}
    }

    /// Why the run is being ended.
    enum Ending: Sendable, Equatable {
        case timedOut
        case signal(Int32)

        /// The process's exit status for this ending.
        var status: Int32 {
            switch self {
            case .timedOut: 124
            case .signal(let number): 128 + number
            }
        }
    }

    /// How long a cancelled run has to end before the watchdog ends the process.
    static let grace: Duration = .seconds(2)

    private struct State {
        var hooks: Hooks?
        /// The signal that asked for the graceful stop.
        var stopSignal: Int32?
        var ending: (reason: Ending, deadline: ContinuousClock.Instant)?
        /// The run ended on its own: nothing is left to watch.
        var finished = false
    }

    private let state = Mutex(State())
    private let interruption: Interruption
    /// The time limit in seconds, as given.
    private let timeLimit: Double?
    private let limitDeadline: ContinuousClock.Instant?

    /// Starts watching: catches SIGINT and SIGTERM from now on, and counts `timeLimit` seconds
    /// from now.
    ///
    /// - Throws: `InterruptionError` when the signals cannot be caught.
    init(timeLimit: Double?) throws {
        self.interruption = try Interruption.install()
        self.timeLimit = timeLimit
        self.limitDeadline = timeLimit.map { ContinuousClock.now + .milliseconds(Int64(($0 * 1000).rounded(.up))) }
        let thread = Thread { [self] in watch() }
        thread.name = "manifold-watchdog"
        thread.start()
    }

    /// Connects the watchdog to the run. A stop or a cancellation asked before is passed on now.
    func attach(_ hooks: Hooks) {
        let (stopNow, cancelNow) = state.withLock { state in
            state.hooks = hooks
            return (state.stopSignal != nil, state.ending != nil)
        }
        if stopNow { hooks.stop() }
        if cancelNow { hooks.cancel() }
    }

    /// The signal that asked for a graceful stop, if one did.
    var stopSignal: Int32? { state.withLock { $0.stopSignal } }

    /// Why the run is being ended, if it is.
    var ending: Ending? { state.withLock { $0.ending?.reason } }

    /// The run ended on its own: from now on the watchdog ends nothing, and the signals have
    /// their default actions again. A watchdog ending the process right now finishes first.
    func finish() {
        state.withLock { $0.finished = true }
        interruption.uninstall()
    }

    /// The thread: waits for a signal or the next deadline, acts, and again.
    private func watch() {
        var pending = [UInt8](repeating: 0, count: 16)
        var watchesSignals = true
        while true {
            let (finished, deadline) = state.withLock { ($0.finished, $0.ending?.deadline ?? limitDeadline) }
            if finished { return }
            let timeout = deadline.map(Self.milliseconds(until:)) ?? -1
            var descriptor = pollfd(fd: interruption.readEnd, events: Int16(POLLIN), revents: 0)
            let ready = watchesSignals ? poll(&descriptor, 1, timeout) : poll(nil, 0, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                // The pipe cannot be watched (it never fails in practice): deadlines still hold.
                Terminal.error("warning: signals can no longer be watched (\(String(cString: strerror(errno))))")
                watchesSignals = false
                if deadline == nil { return }
                continue
            }
            if ready > 0 {
                let count = read(interruption.readEnd, &pending, pending.count)
                for index in 0..<max(count, 0) { received(Int32(pending[index])) }
            }
            reachedDeadlines()
        }
    }

    private func received(_ signal: Int32) {
        enum Action { case none, stop(Hooks?), cancel(Hooks?) }
        let action: Action = state.withLock { state in
            if state.finished || state.ending != nil { return .none }
            if state.stopSignal == nil {
                state.stopSignal = signal
                return .stop(state.hooks)
            }
            state.ending = (.signal(signal), ContinuousClock.now + Self.grace)
            return .cancel(state.hooks)
        }
        let name = Interruption.name(of: signal)
        switch action {
        case .none:
            break
        case .stop(let hooks):
            Terminal.error(
                "\nstopping (\(name)): no more input is read; what is in flight is finished and written out "
                    + "(Ctrl-C or SIGTERM again ends the run within \(Self.seconds(Self.grace)))")
            hooks?.stop()
        case .cancel(let hooks):
            Terminal.error("\nending the run (\(name)): cancelling what is in flight")
            hooks?.cancel()
        }
    }

    /// Starts the end at the time limit; ends the process when the grace has run out.
    private func reachedDeadlines() {
        let now = ContinuousClock.now
        let (hooks, graceOver): (Hooks?, Ending?) = state.withLock { state in
            if state.finished { return (nil, nil) }
            if let ending = state.ending { return (nil, now >= ending.deadline ? ending.reason : nil) }
            guard let limitDeadline, now >= limitDeadline else { return (nil, nil) }
            state.ending = (.timedOut, now + Self.grace)
            return (state.hooks, nil)
        }
        if let graceOver {
            endProcess(graceOver)
        } else {
            hooks?.cancel()
        }
    }

    /// Says what is still busy and ends the process with `reason`'s status, unless the run
    /// finished meanwhile. The lock is held to the end, so `finish()` cannot slip in between.
    private func endProcess(_ reason: Ending) {
        state.withLock { state in
            guard !state.finished else { return }
            let busy = state.hooks?.busy() ?? "the graph was not running yet"
            let what = switch reason {
            case .timedOut: "timed out after \(timeLimit ?? 0) s"
            case .signal: "stopped"
            }
            state.hooks?.flushOutputs()
            Terminal.error("error: \(what); still busy \(Self.seconds(Self.grace)) after it was cancelled: \(busy); ending the process")
            _exit(reason.status)
        }
    }

    /// Milliseconds from now to `deadline`, rounded up, for `poll(2)`.
    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { return 0 }
        let milliseconds = (Double(left.components.seconds) * 1000 + Double(left.components.attoseconds) / 1e15).rounded(.up)
        return Int32(min(milliseconds, Double(Int32.max)))
    }

    /// A duration in seconds as people write it: `2 s`, `1.5 s`.
    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
